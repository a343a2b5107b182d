import type { DecisionConfig } from './config.js';
import { type EffectiveContext, effectiveContext } from './context.js';
import { type EngagementEstimate, estimateEngagement, explore, explorationNote } from './learning/estimate.js';
import type { LearnedPriors } from './learning/priors.js';
import { type Category, type Channel, CHANNELS, type Customer, type RankedChannel, SCORE_COMPONENTS, type ScoreComponent, type Surface } from './model.js';
import type { SendRequest } from './request.js';
import { clamp, round4 } from './numbers.js';

export interface ScoringInput {
  customer: Customer;
  request: SendRequest;
  category: Category;
  now: Date;
  /** What the population's messages say about each channel; without it, the configured priors. */
  priors?: LearnedPriors;
}

/** What every channel's score reads about the moment, worked out once per request. */
interface Moment {
  input: ScoringInput;
  context: EffectiveContext;
  /** The surface, when it is recent enough to describe now. */
  surface?: Surface;
  minutesLeft?: number;
  /** Each channel's expected engagement, worked out once: the engagement and exploration signals share it. */
  estimates: Map<Channel, EngagementEstimate>;
}

/** A component's raw value before weighting, with the words that explain it. */
interface Signal {
  raw: number;
  why: string;
}

const NONE: Signal = { raw: 0, why: '' };
const MINUTE_MS = 60_000;

/**
 * Scores the channels and sorts them best first. Equal scores keep the fixed order of CHANNELS,
 * so the same input always gives the same ranking.
 */
export function rankChannels(channels: readonly Channel[], input: ScoringInput, config: DecisionConfig): RankedChannel[] {
  const moment = readMoment(channels, input, config);
  const ranked = channels.map((channel) => scoreWith(channel, moment, config)).sort(byScore);
  const note = explorationNote(ranked, moment.estimates, input.request.requestId);
  if (note && ranked[0]) ranked[0] = { ...ranked[0], reasons: [...ranked[0].reasons, note] };
  return ranked;
}

/** Where the customer is, as far as the decision knows: what the learned priors are counted by. */
export function momentOf(input: ScoringInput, config: DecisionConfig): Surface | undefined {
  return freshSurface(effectiveContext(input.customer, input.request.context, input.now), input, config);
}

function freshSurface(context: EffectiveContext, input: ScoringInput, config: DecisionConfig): Surface | undefined {
  return context.surface && isSurfaceFresh(input, config) ? context.surface : undefined;
}

function byScore(a: RankedChannel, b: RankedChannel): number {
  return b.score - a.score || CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel);
}

/**
 * One channel's score: the sum of its weighted components. `components` holds the weighted
 * contributions (rounded to 4 decimals, like the score), so a record explains itself: the reasons
 * and the components add up to the score.
 */
function scoreWith(channel: Channel, moment: Moment, config: DecisionConfig): RankedChannel {
  const signals: Record<ScoreComponent, Signal> = {
    context: contextSignal(channel, moment, config),
    preference: preferenceSignal(channel, moment, config),
    engagement: engagementSignal(channel, moment),
    urgency: urgencySignal(channel, moment, config),
    cost: costSignal(channel, moment, config),
    exploration: explorationSignal(channel, moment, config),
  };
  const components = {} as Record<ScoreComponent, number>;
  const reasons: string[] = [];
  for (const name of SCORE_COMPONENTS) {
    const contribution = round4(config.weights[name] * signals[name].raw);
    components[name] = contribution;
    if (contribution !== 0) reasons.push(`${name} ${signed(contribution)}: ${signals[name].why}`);
  }
  const score = round4(SCORE_COMPONENTS.reduce((sum, name) => sum + components[name], 0));
  return { channel, score, reasons, components };
}

function readMoment(channels: readonly Channel[], input: ScoringInput, config: DecisionConfig): Moment {
  const context = effectiveContext(input.customer, input.request.context, input.now);
  const surface = freshSurface(context, input, config);
  const expiresAt = input.request.expiresAt ? Date.parse(input.request.expiresAt) : Number.NaN;
  const minutesLeft = Number.isNaN(expiresAt) ? undefined : (expiresAt - input.now.getTime()) / MINUTE_MS;
  const estimates = new Map(channels.map((channel) => [channel, estimateEngagement({ ...input, channel, moment: surface }, config)]));
  return { input, context, estimates, ...(surface ? { surface } : {}), ...(minutesLeft !== undefined ? { minutesLeft } : {}) };
}

/** A surface named by the request is now; a stored one counts only while recently observed. */
function isSurfaceFresh({ request, customer, now }: ScoringInput, config: DecisionConfig): boolean {
  if (request.context.surface) return true;
  const observedAt = customer.context?.observedAt;
  const observed = observedAt ? Date.parse(observedAt) : Number.NaN;
  // Without a usable observation time there is nothing to call stale.
  if (Number.isNaN(observed)) return true;
  return now.getTime() - observed <= config.context.surfaceFreshMinutes * MINUTE_MS;
}

/** Overlapping signals describe one moment, so the strongest counts rather than their sum. */
function contextSignal(channel: Channel, { context, surface }: Moment, config: DecisionConfig): Signal {
  const candidates: Signal[] = [];
  if (context.sessionActive) candidates.push({ raw: config.context.sessionActive[channel] ?? 0, why: 'app session active' });
  if (surface) candidates.push({ raw: config.context.surface[surface][channel] ?? 0, why: describeSurface(surface, context.storeId) });
  return candidates.reduce((best, next) => (next.raw > best.raw ? next : best), NONE);
}

function describeSurface(surface: Surface, storeId: string | undefined): string {
  switch (surface) {
    case 'store':
      return storeId ? `customer is in store ${storeId}` : 'customer is in a store';
    case 'app':
      return 'customer is in the app';
    case 'web':
      return 'customer is on the web';
    case 'offline':
      return 'customer is offline';
  }
}

/** Earlier in a list is worth more: the first of n gets 1, the last 1/n, an unlisted channel 0. */
function preferenceSignal(channel: Channel, { input }: Moment, config: DecisionConfig): Signal {
  const stated = orderShare(input.customer.preferences?.preferredChannels, channel);
  const sender = orderShare(input.request.channels, channel);
  const raw = config.preference.customerOrder * stated.share + config.preference.senderOrder * sender.share;
  const why = [stated.position ? `customer's ${ordinal(stated.position)} choice` : '', sender.position ? `sender's ${ordinal(sender.position)} choice` : ''].filter(Boolean);
  return { raw, why: why.join(', ') };
}

function orderShare(list: readonly Channel[] | undefined, channel: Channel): { share: number; position?: number } {
  const index = list?.indexOf(channel) ?? -1;
  if (!list || index < 0) return { share: 0 };
  return { share: (list.length - index) / list.length, position: index + 1 };
}

/** The chance the customer opens or clicks a message on this channel now (learning/estimate.ts). */
function engagementSignal(channel: Channel, { estimates }: Moment): Signal {
  const estimate = estimates.get(channel);
  return estimate ? { raw: estimate.expected, why: estimate.why } : NONE;
}

/** Thompson sampling: a plausible rate drawn from what is known, seeded by the request so it replays. */
function explorationSignal(channel: Channel, { input, estimates }: Moment, config: DecisionConfig): Signal {
  const estimate = estimates.get(channel);
  if (!estimate || !config.learning.exploration.categories.includes(input.category)) return NONE;
  const shift = explore(estimate, input.request.requestId, config.learning.exploration.maxShift);
  return shift.raw === 0 ? NONE : shift;
}

/** Urgency (closeness of `expiresAt`, or high priority) multiplied by how soon the channel is seen. */
function urgencySignal(channel: Channel, { input, context, minutesLeft }: Moment, config: DecisionConfig): Signal {
  const { horizonMinutes, highPriority, instant, inAppDuringSession } = config.urgency;
  const fromExpiry = minutesLeft === undefined ? 0 : clamp(1 - minutesLeft / horizonMinutes, 0, 1);
  const fromPriority = input.request.priority === 'high' ? highPriority : 0;
  const urgency = Math.max(fromExpiry, fromPriority);
  const duringSession = channel === 'in_app' && context.sessionActive;
  const speed = duringSession ? inAppDuringSession : instant[channel];
  if (urgency === 0 || speed === 0) return NONE;
  const why = [
    fromExpiry > 0 && minutesLeft !== undefined ? `expires in ${Math.max(0, Math.round(minutesLeft))} min` : '',
    fromPriority > 0 ? 'high priority' : '',
    duringSession ? 'seen at once during the app session' : '',
  ].filter(Boolean);
  return { raw: urgency * speed, why: why.join(', ') };
}

function costSignal(channel: Channel, { input }: Moment, config: DecisionConfig): Signal {
  const cost = config.cost[channel][input.category];
  // Channel and category are left out: the record holds both, and every byte counts against its 1 KB write unit.
  return { raw: -cost, why: `relative cost ${cost.toFixed(2)}` };
}

/** Two decimals read best, but never at the price of showing a number the record does not hold. */
function signed(value: number): string {
  const size = Math.abs(value);
  const digits = size.toFixed(4).replace(/0{1,2}$/, '');
  return `${value < 0 ? '-' : '+'}${digits}`;
}

function ordinal(position: number): string {
  const suffix = position === 1 ? 'st' : position === 2 ? 'nd' : position === 3 ? 'rd' : 'th';
  return `${position}${suffix}`;
}
