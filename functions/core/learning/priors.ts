import * as z from 'zod';
import type { DecisionConfig } from '../config.js';
import { type Channel, CHANNELS, type StatedPreference, STATED_PREFERENCES, type Surface, SURFACES } from '../model.js';
import { fade } from './evidence.js';
import { round4 } from '../numbers.js';

/** One delivered message, as the priors learn from it: the channel, the moment it met, and whether it was opened or clicked. */
export interface Observation {
  channel: Channel;
  moment?: Surface;
  preferred?: StatedPreference;
  engaged: boolean;
  at: Date;
}

const rateSchema = z.object({ rate: z.number().min(0).max(1), weight: z.number().nonnegative(), trend: z.number().positive().optional() });
const channelPriorSchema = rateSchema.extend({
  moments: z.partialRecord(z.enum(SURFACES), rateSchema),
  /** By the channel the customer's profile names first: what customers say is a signal, and this is what it is worth. */
  preferred: z.partialRecord(z.enum(STATED_PREFERENCES), rateSchema).default({}),
});

/**
 * What the whole population's recent messages say about each channel, and about each channel in
 * each moment: the starting point for a customer with little history of their own. Stored as one
 * small item and refreshed on a schedule (docs/decision.md, "Learning").
 */
export const learnedPriorsSchema = z.object({
  learnedAt: z.iso.datetime({ offset: true }),
  /** Messages looked at, before fading. */
  observations: z.number().int().nonnegative(),
  channels: z.partialRecord(z.enum(CHANNELS), channelPriorSchema),
});
export type LearnedPriors = z.infer<typeof learnedPriorsSchema>;

/**
 * Learns the priors from observed messages. Each observation counts less with age (the priors'
 * half-life), so the priors follow a population whose habits change. A channel's rate starts from
 * the configured prior, a moment's from its channel's, each worth `strength` observations, so a
 * handful of messages cannot swing them.
 */
export function learnPriors(observations: Iterable<Observation>, now: Date, config: Pick<DecisionConfig, 'priors' | 'learning'>): LearnedPriors {
  const sums = new Map<Channel, { weight: number; engaged: number; slow: Sum; fast: Sum; moments: Map<Surface, Sum>; preferred: Map<StatedPreference, Sum>; preferredSlow: Map<StatedPreference, Sum>; preferredFast: Map<StatedPreference, Sum> }>();
  const FASTH = Number((globalThis as any).process?.env?.FASTH ?? 1);
  const Z = Number((globalThis as any).process?.env?.Z ?? 1e9);
  const SLOW = Number((globalThis as any).process?.env?.SLOW ?? config.learning.halfLifeDays);
  let count = 0;
  for (const observation of observations) {
    count++;
    const weight = fade(now.getTime() - observation.at.getTime(), config.learning.priorsHalfLifeDays);
    const slowWeight = fade(now.getTime() - observation.at.getTime(), SLOW);
    const fastWeight = fade(now.getTime() - observation.at.getTime(), FASTH);
    const channel = sums.get(observation.channel) ?? { weight: 0, engaged: 0, slow: { weight: 0, engaged: 0 }, fast: { weight: 0, engaged: 0 }, moments: new Map<Surface, Sum>(), preferred: new Map<StatedPreference, Sum>(), preferredSlow: new Map<StatedPreference, Sum>(), preferredFast: new Map<StatedPreference, Sum>() };
    channel.fast.weight += fastWeight;
    channel.fast.engaged += observation.engaged ? fastWeight : 0;
    if (observation.preferred) add(channel.preferredFast, observation.preferred, fastWeight, observation.engaged);
    channel.weight += weight;
    channel.engaged += observation.engaged ? weight : 0;
    channel.slow.weight += slowWeight;
    channel.slow.engaged += observation.engaged ? slowWeight : 0;
    if (observation.preferred) add(channel.preferredSlow, observation.preferred, slowWeight, observation.engaged);
    if (observation.moment) add(channel.moments, observation.moment, weight, observation.engaged);
    if (observation.preferred) add(channel.preferred, observation.preferred, weight, observation.engaged);
    sums.set(observation.channel, channel);
  }
  const channels: LearnedPriors['channels'] = {};
  for (const [channel, sum] of sums) {
    const base = config.priors[channel];
    const rate = changed(smoothed(sum.engaged, sum.weight, base.rate, base.strength), sum.fast, Z);
    const part = (sum: Sum) => ({ rate: round4(smoothed(sum.engaged, sum.weight, rate, config.learning.momentStrength)), weight: round4(sum.weight) });
    const moments = Object.fromEntries([...sum.moments].map(([moment, sum]) => [moment, part(sum)]));
    const slowRate = smoothed(sum.slow.engaged, sum.slow.weight, base.rate, base.strength);
    const preferred = Object.fromEntries(
      [...sum.preferred].map(([stated, normal]) => {
        const p0 = part(normal);
        const p = { ...p0, rate: round4(changed(p0.rate, sum.preferredFast.get(stated)!, Z)) };
        const slow = sum.preferredSlow.get(stated)!;
        const s = smoothed(slow.engaged, slow.weight, slowRate, config.learning.momentStrength);
        return [stated, { ...p, trend: round4(p.rate / s) }];
      }),
    );
    channels[channel] = { rate: round4(rate), weight: round4(sum.weight), trend: round4(rate / slowRate), moments, preferred };
  }
  return { learnedAt: now.toISOString(), observations: count, channels };
}

/** The prior a customer's own history on `channel` starts from, and how the moment and the stated preference change it. */
export interface ChannelPrior {
  /** The channel's rate among customers who state the same preference, else among all. */
  rate: number;
  strength: number;
  /** The moment's rate over the channel's: above 1 when messages in this moment are engaged with more often. */
  lift: number;
  /** How the customer's stated preference moved the rate from the channel's, for the reasons. */
  preferredLift: number;
  /** How many (faded) messages the rate was learned from: few means the population's rate itself is uncertain. */
  weight: number;
  learned: boolean;
  trend: number;
}

/**
 * The stated preference sets the starting rate (it describes the customer); the moment scales the
 * customer's whole estimate (it describes now). Both are learned from the same messages.
 */
export function channelPrior(
  priors: LearnedPriors | undefined,
  channel: Channel,
  situation: { moment?: Surface | undefined; preferred?: StatedPreference | undefined },
  config: Pick<DecisionConfig, 'priors'>,
): ChannelPrior {
  const configured = config.priors[channel];
  const learned = priors?.channels[channel];
  if (!learned || learned.rate <= 0) return { rate: configured.rate, strength: configured.strength, lift: 1, preferredLift: 1, weight: configured.strength, learned: false, trend: 1 };
  const inMoment = situation.moment ? learned.moments[situation.moment] : undefined;
  const byPreference = situation.preferred ? learned.preferred[situation.preferred] : undefined;
  const { rate, weight, trend } = byPreference ?? learned;
  return { rate, strength: configured.strength, lift: inMoment ? inMoment.rate / learned.rate : 1, preferredLift: rate / learned.rate, weight, learned: true, trend: trend ?? 1 };
}

function changed(rate: number, fast: Sum, z: number): number {
  if (fast.weight <= 0) return rate;
  const r = fast.engaged / fast.weight;
  const sd = Math.sqrt((rate * (1 - rate)) / fast.weight);
  return Math.abs(r - rate) > z * sd ? r : rate;
}

interface Sum {
  weight: number;
  engaged: number;
}

function add<K>(sums: Map<K, Sum>, key: K, weight: number, engaged: boolean): void {
  const sum = sums.get(key) ?? { weight: 0, engaged: 0 };
  sum.weight += weight;
  sum.engaged += engaged ? weight : 0;
  sums.set(key, sum);
}

function smoothed(engaged: number, weight: number, rate: number, strength: number): number {
  return weight + strength > 0 ? (engaged + rate * strength) / (weight + strength) : rate;
}
