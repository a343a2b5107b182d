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

const rateSchema = z.object({
  rate: z.number().min(0).max(1),
  weight: z.number().nonnegative(),
  /** The rate over the same rate learned across a customer's own history half-life: below 1 when customers engage less now than their histories show. */
  trend: z.number().nonnegative().optional(),
});
const preferredRateSchema = rateSchema.extend({
  /** When the rate changed: it is then learned from the messages since, and older ones are set aside. */
  since: z.iso.datetime({ offset: true }).optional(),
});
const channelPriorSchema = rateSchema.extend({
  moments: z.partialRecord(z.enum(SURFACES), rateSchema),
  /** By the channel the customer's profile names first: what customers say is a signal, and this is what it is worth. */
  preferred: z.partialRecord(z.enum(STATED_PREFERENCES), preferredRateSchema).default({}),
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
 *
 * A stated preference's rate also looks for the moment it changed (`changeAt`): when the messages
 * since differ clearly from those before, only the messages since count, so a group that stopped
 * reading a channel is believed within hours rather than over half-lives. Each rate is also
 * learned across a customer's own history half-life, and the ratio of the two is its trend.
 */
export function learnPriors(observations: Iterable<Observation>, now: Date, config: Pick<DecisionConfig, 'priors' | 'learning'>): LearnedPriors {
  const { priorsHalfLifeDays, halfLifeDays, change } = config.learning;
  const blockMs = change.blockHours * HOUR_MS;
  const sums = new Map<Channel, ChannelSums>();
  let count = 0;
  for (const observation of observations) {
    count++;
    const age = now.getTime() - observation.at.getTime();
    const weight = fade(age, priorsHalfLifeDays);
    const historyWeight = fade(age, halfLifeDays);
    const channel = sums.get(observation.channel) ?? emptyChannel();
    addTo(channel.all, weight, historyWeight, observation.engaged);
    if (observation.moment) add(channel.moments, observation.moment, weight, observation.engaged);
    if (observation.preferred) {
      const group = channel.preferred.get(observation.preferred) ?? { all: emptySums(), blocks: new Map<number, ChangeBlock>() };
      addTo(group.all, weight, historyWeight, observation.engaged);
      const index = Math.max(0, Math.floor(age / blockMs));
      const block = group.blocks.get(index) ?? { messages: 0, engaged: 0, weight: 0, weightedEngaged: 0 };
      block.messages++;
      block.engaged += observation.engaged ? 1 : 0;
      block.weight += weight;
      block.weightedEngaged += observation.engaged ? weight : 0;
      group.blocks.set(index, block);
      channel.preferred.set(observation.preferred, group);
    }
    sums.set(observation.channel, channel);
  }
  const channels: LearnedPriors['channels'] = {};
  for (const [channel, { all, moments: momentSums, preferred: preferredSums }] of sums) {
    const base = config.priors[channel];
    const rate = smoothed(all.engaged, all.weight, base.rate, base.strength);
    const historyRate = smoothed(all.historyEngaged, all.historyWeight, base.rate, base.strength);
    const part = (sum: Sum) => ({ rate: round4(smoothed(sum.engaged, sum.weight, rate, config.learning.momentStrength)), weight: round4(sum.weight) });
    const moments = Object.fromEntries([...momentSums].map(([moment, sum]) => [moment, part(sum)]));
    const preferred = Object.fromEntries(
      [...preferredSums].map(([stated, group]) => {
        const since = changeAt(group.blocks, change);
        // Since a change, only the messages after it; they start from the channel's rate like a channel's own from the configured one.
        const learned =
          since === undefined
            ? { rate: smoothed(group.all.engaged, group.all.weight, rate, config.learning.momentStrength), weight: group.all.weight }
            : sinceChange(group.blocks, since, rate, base.strength);
        const history = smoothed(group.all.historyEngaged, group.all.historyWeight, historyRate, config.learning.momentStrength);
        const at = since === undefined ? {} : { since: new Date(now.getTime() - (since + 1) * blockMs).toISOString() };
        return [stated, { rate: round4(learned.rate), weight: round4(learned.weight), ...trendOf(learned.rate, history), ...at }];
      }),
    );
    channels[channel] = { rate: round4(rate), weight: round4(all.weight), ...trendOf(rate, historyRate), moments, preferred };
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
  /** The rate now over the rate across a customer's history half-life; 1 when not learned. */
  trend: number;
  /** When the rate changed, if it did: it was learned from the messages since. */
  since?: string;
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
  if (!learned || learned.rate <= 0)
    return { rate: configured.rate, strength: configured.strength, lift: 1, preferredLift: 1, weight: configured.strength, learned: false, trend: 1 };
  const inMoment = situation.moment ? learned.moments[situation.moment] : undefined;
  const byPreference = situation.preferred ? learned.preferred[situation.preferred] : undefined;
  const { rate, weight, trend } = byPreference ?? learned;
  const since = byPreference?.since;
  return {
    rate,
    strength: configured.strength,
    lift: inMoment ? inMoment.rate / learned.rate : 1,
    preferredLift: rate / learned.rate,
    weight,
    learned: true,
    trend: trend ?? 1,
    ...(since ? { since } : {}),
  };
}

const HOUR_MS = 3_600_000;

interface Sum {
  weight: number;
  engaged: number;
}

/** Faded at the priors' half-life, and at a customer's history half-life for the trend. */
interface Sums extends Sum {
  historyWeight: number;
  historyEngaged: number;
}

/** A stated preference's messages of one block of hours, counted as they are (for finding a change) and faded. */
export interface ChangeBlock {
  messages: number;
  engaged: number;
  weight: number;
  weightedEngaged: number;
}

interface ChannelSums {
  all: Sums;
  moments: Map<Surface, Sum>;
  /** By block, youngest (index 0) first. */
  preferred: Map<StatedPreference, { all: Sums; blocks: Map<number, ChangeBlock> }>;
}

function emptySums(): Sums {
  return { weight: 0, engaged: 0, historyWeight: 0, historyEngaged: 0 };
}

function emptyChannel(): ChannelSums {
  return { all: emptySums(), moments: new Map(), preferred: new Map() };
}

function addTo(sums: Sums, weight: number, historyWeight: number, engaged: boolean): void {
  sums.weight += weight;
  sums.engaged += engaged ? weight : 0;
  sums.historyWeight += historyWeight;
  sums.historyEngaged += engaged ? historyWeight : 0;
}

/**
 * Where a group's rate changed, as the oldest block after the change, or nothing. Every boundary
 * between blocks is tried: the one where two rates, before and after, explain the messages best
 * against one rate for all (twice the log-likelihood ratio) wins, if it beats `evidence` with at
 * least `minMessages` on each side. Counts are taken as they are, unfaded: the test is about
 * what happened, not about how much it still counts.
 */
export function changeAt(blocks: ReadonlyMap<number, ChangeBlock>, { minMessages, evidence }: { minMessages: number; evidence: number }): number | undefined {
  const ordered = [...blocks].sort(([a], [b]) => a - b);
  const total = ordered.reduce((sum, [, block]) => ({ messages: sum.messages + block.messages, engaged: sum.engaged + block.engaged }), { messages: 0, engaged: 0 });
  const one = logLikelihood(total.engaged, total.messages);
  let best: { index: number; ratio: number } | undefined;
  let messages = 0;
  let engaged = 0;
  for (const [index, block] of ordered.slice(0, -1)) {
    messages += block.messages;
    engaged += block.engaged;
    if (messages < minMessages || total.messages - messages < minMessages) continue;
    const ratio = 2 * (logLikelihood(engaged, messages) + logLikelihood(total.engaged - engaged, total.messages - messages) - one);
    if (ratio > evidence && ratio > (best?.ratio ?? 0)) best = { index, ratio };
  }
  return best?.index;
}

/** The rate of the messages in the blocks up to `last` (those since the change), faded and smoothed toward `rate`. */
function sinceChange(blocks: ReadonlyMap<number, ChangeBlock>, last: number, rate: number, strength: number): { rate: number; weight: number } {
  let weight = 0;
  let engaged = 0;
  for (const [index, block] of blocks) {
    if (index > last) continue;
    weight += block.weight;
    engaged += block.weightedEngaged;
  }
  return { rate: smoothed(engaged, weight, rate, strength), weight };
}

/** Log-likelihood of `engaged` of `messages` at their own rate. */
function logLikelihood(engaged: number, messages: number): number {
  const missed = messages - engaged;
  return (engaged > 0 ? engaged * Math.log(engaged / messages) : 0) + (missed > 0 ? missed * Math.log(missed / messages) : 0);
}

function trendOf(rate: number, history: number): { trend?: number } {
  return history > 0 ? { trend: round4(rate / history) } : {};
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
