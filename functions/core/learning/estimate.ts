import type { DecisionConfig } from '../config.js';
import { type Channel, CHANNELS, type Customer, type RankedChannel, type StatedPreference, type Surface } from '../model.js';
import { recentEvidence } from './evidence.js';
import { channelPrior, type LearnedPriors } from './priors.js';
import { sampleBeta, seededRandom } from './random.js';
import { clamp, percent } from '../numbers.js';
import { describeDuration } from '../timing/duration.js';

/** What is known of one customer's engagement on one channel, as a Beta posterior, and the moment's lift. */
export interface EngagementEstimate {
  channel: Channel;
  alpha: number;
  beta: number;
  lift: number;
  /** The customer's own faded history and the prior it was smoothed toward: exploration draws from both. */
  evidence: { delivered: number; engaged: number };
  prior: { rate: number; strength: number; weight: number };
  /** The posterior mean times the lift, at most 1: the chance a message now is opened or clicked. */
  expected: number;
  why: string;
}

export interface EstimateInput {
  customer: Customer;
  channel: Channel;
  moment: Surface | undefined;
  now: Date;
  priors?: LearnedPriors;
}

/**
 * The customer's own faded history on the channel, smoothed toward the population's rate for it
 * (`strength` messages' worth), then scaled by how much more or less the population engages in
 * this moment. A new customer starts at the population's rate in the moment.
 *
 * When customers who state the same preference engage less now than over a customer's history
 * half-life (the prior's trend below 1), the customer's engagements count that much less: their
 * history was earned before the change. A rising trend changes nothing, as a group's rate can
 * rise because some of its customers changed while this one did not.
 */
export function estimateEngagement({ customer, channel, moment, now, priors }: EstimateInput, config: Pick<DecisionConfig, 'priors' | 'learning'>): EngagementEstimate {
  const prior = channelPrior(priors, channel, { moment, preferred: statedPreference(customer) }, config);
  const own = recentEvidence(customer.engagement?.[channel], now, config.learning.halfLifeDays);
  const discount = Math.min(1, prior.trend);
  const evidence = { delivered: own.delivered, engaged: own.engaged * discount };
  const alpha = evidence.engaged + prior.rate * prior.strength;
  const beta = evidence.delivered - evidence.engaged + (1 - prior.rate) * prior.strength;
  const mean = alpha + beta > 0 ? alpha / (alpha + beta) : prior.rate;
  const expected = clamp(mean * prior.lift, 0, 1);
  const discounted = discount < 1 && own.engaged > 0 ? ` ×${discount.toFixed(2)} as customers like this engage less lately` : '';
  const history = own.delivered > 0 ? `${figure(own.engaged)} of ${figure(own.delivered)} engaged${discounted}` : 'no history';
  const lift = prior.lift !== 1 && moment ? `, ${moment} ×${prior.lift.toFixed(2)}` : '';
  // In whole hours: the change is placed within a block of hours anyway.
  const changed = prior.since ? ` since a change ${describeDuration(Math.max(1, Math.round((now.getTime() - Date.parse(prior.since)) / HOUR_MS)) * HOUR_MS)} ago` : '';
  const says = prior.preferredLift !== 1 || changed ? ` for "${statedPreference(customer)} first"${changed}` : '';
  // The estimate is worth stating only when history or the moment moved it from the prior.
  const result = own.delivered > 0 || lift ? `: ${percent(expected)}` : '';
  const why = `${history}, ${prior.learned ? 'learned' : 'set'} prior ${percent(prior.rate)}${says}${lift}${result}`;
  return {
    channel,
    alpha: positive(alpha),
    beta: positive(beta),
    lift: prior.lift,
    evidence,
    prior: { rate: prior.rate, strength: prior.strength, weight: prior.weight },
    expected,
    why,
  };
}

/**
 * A rate drawn from what is known in place of its mean, within `maxShift` of it: first the
 * population's rate (uncertain when few messages taught it, as for a channel rarely sent to
 * customers like this one), then the customer's own around it. Seeded by the request and channel,
 * so the same request always draws the same. A channel little is known about draws widely and is
 * sometimes tried; one well known draws close to its mean.
 */
export function explore(estimate: EngagementEstimate, requestId: string, maxShift: number): { raw: number; why: string } {
  const random = seededRandom(`${requestId}:explore:${estimate.channel}`);
  const { evidence, prior } = estimate;
  const population = sampleBeta(random, positive(prior.rate * (prior.weight + UNCERTAIN_PRIOR)), positive((1 - prior.rate) * (prior.weight + UNCERTAIN_PRIOR)));
  const own = sampleBeta(random, positive(evidence.engaged + population * prior.strength), positive(evidence.delivered - evidence.engaged + (1 - population) * prior.strength));
  const sampled = clamp(own * estimate.lift, 0, 1);
  const raw = clamp(sampled - estimate.expected, -maxShift, maxShift);
  return { raw, why: `drew ${percent(estimate.expected + raw)} for ${percent(estimate.expected)}` };
}

const CHANCE_DRAWS = 400;
const HOUR_MS = 3_600_000;
/** Messages' worth of doubt about a population rate learned from nothing. */
const UNCERTAIN_PRIOR = 2;

/**
 * When exploration changed the winner, how likely the chosen channel is to be the better one, by
 * what is known: "explored: 12% chance push beats email". Nothing when it did not.
 */
export function explorationNote(ranked: readonly RankedChannel[], estimates: ReadonlyMap<Channel, EngagementEstimate>, requestId: string): string | undefined {
  const chosen = ranked[0];
  if (!chosen || !chosen.components.exploration) return undefined;
  const withoutExploration = [...ranked].sort(
    (a, b) => b.score - (b.components.exploration ?? 0) - (a.score - (a.components.exploration ?? 0)) || CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel),
  );
  const expected = withoutExploration[0];
  if (!expected || expected.channel === chosen.channel) return undefined;
  const mine = estimates.get(chosen.channel);
  const theirs = estimates.get(expected.channel);
  if (!mine || !theirs) return undefined;
  const random = seededRandom(`${requestId}:chance`);
  let wins = 0;
  for (let i = 0; i < CHANCE_DRAWS; i++) {
    if (sampleBeta(random, mine.alpha, mine.beta) * mine.lift > sampleBeta(random, theirs.alpha, theirs.beta) * theirs.lift) wins++;
  }
  return `explored: ${percent(wins / CHANCE_DRAWS)} chance ${chosen.channel} beats ${expected.channel}`;
}

/** The channel the customer's profile names first, or `none`: the learned priors are counted by it. */
export function statedPreference(customer: Customer): StatedPreference {
  return customer.preferences?.preferredChannels?.[0] ?? 'none';
}

/** Beta needs positive shapes; a prior of strength 0 on an empty history would give 0. */
function positive(value: number): number {
  return Math.max(value, 1e-3);
}

function figure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
