import * as z from 'zod';
import type { Category, Channel, ExclusionReason } from '../model.js';
import { resolveTimeZone } from '../quiet-hours.js';
import { describeLocalInstant } from './local-time.js';
import type { TimeBlock } from './windows.js';

export const TIMING_REASONS = ['QUIET_HOURS', 'SEND_WINDOW', 'SCHEDULED'] as const;
export type TimingReason = (typeof TIMING_REASONS)[number];

export const WAIT_RULES = ['wait_for_best', 'best_available_now'] as const;
export type WaitRule = (typeof WAIT_RULES)[number];
export const PERISHABLE_RULES = ['best_available_now', 'expire'] as const;
export type PerishableRule = (typeof PERISHABLE_RULES)[number];

/**
 * What to do when the best channel is closed for the time being (quiet hours, send window).
 *
 * - `marketing`, `transactional`: when the best channel opens before `expiresAt` (or the message
 *   has none). `wait_for_best` defers to its opening. `best_available_now` sends now on the best
 *   channel open now; when none is, it defers to the channel that opens first.
 * - `perishable`: when the best channel opens only at or after `expiresAt`, whatever the category.
 *   `best_available_now` sends now on the best open channel, else defers to the channel that opens
 *   first if that is before `expiresAt`, else records EXPIRED. `expire` records EXPIRED at once
 *   rather than use a worse channel.
 *
 * Defaults: marketing waits (a promotion on a worse channel is worth less than the same one on
 * the right channel a few hours later); transactional news and a message about to expire take
 * the best channel available now (the news matters more than the channel).
 */
export const deferralRulesSchema = z.strictObject({
  marketing: z.enum(WAIT_RULES).default('wait_for_best'),
  transactional: z.enum(WAIT_RULES).default('best_available_now'),
  perishable: z.enum(PERISHABLE_RULES).default('best_available_now'),
});
export type DeferralRules = z.output<typeof deferralRulesSchema>;
export const DEFAULT_DEFERRAL_RULES: DeferralRules = deferralRulesSchema.parse({});

/**
 * One candidate channel at `now`: open; closed by the clock until `opensAt` (absent: it never
 * opens); or blocked for another reason (consent, address, cap), which waiting does not lift and
 * which is therefore never deferred to.
 */
export type ChannelTiming =
  | { channel: Channel; state: 'open' }
  | { channel: Channel; state: 'closed_for_now'; reason: TimeBlock; opensAt: Date | undefined; detail?: string }
  | { channel: Channel; state: 'blocked'; reason: ExclusionReason; detail?: string };

export interface DeferralInput {
  /** Every candidate channel once, best first. */
  channels: readonly ChannelTiming[];
  category: Category;
  now: Date;
  expiresAt?: Date;
  /** The request's `sendAt` as an instant (see send-at.ts), when it has one. */
  sendAt?: Date;
  /** The customer's zone, so that times in reasons read as on the customer's clock; UTC when missing or unknown. */
  timeZone?: string;
}

/**
 * What happens to the message now. `reasons` explain it, one line each: the channels ranked above
 * the chosen one and why they were passed over, then the rule applied.
 */
export type TimingDecision =
  | { kind: 'send_now'; channel: Channel; reasons: string[] }
  | { kind: 'defer'; until: Date; reason: TimingReason; channel: Channel; reasons: string[] }
  | { kind: 'expire'; reason: 'PAST_EXPIRES_AT' | TimingReason; reasons: string[] }
  | { kind: 'none'; reasons: string[] };

type Usable = Extract<ChannelTiming, { state: 'open' }> | (Extract<ChannelTiming, { state: 'closed_for_now' }> & { opensAt: Date });

/**
 * Sends now, defers, expires or gives up, by the rules above. A deferral is only ever to an
 * instant before `expiresAt`, and only for a channel closed by the clock. A `sendAt` still ahead
 * defers the whole decision to it: which channels are open is decided again then.
 */
export function decideDeferral(input: DeferralInput, rules: DeferralRules = DEFAULT_DEFERRAL_RULES): TimingDecision {
  const { now, expiresAt, sendAt, category, channels } = input;
  const zone = resolveTimeZone(input.timeZone);
  const at = (instant: Date) => describeLocalInstant(instant, zone, now);
  const linesThrough = (last: ChannelTiming | undefined) => channels.slice(0, last ? channels.indexOf(last) + 1 : channels.length).map((timing) => describeChannel(timing, at));
  const opensAt = (timing: Usable) => (timing.state === 'open' ? now : timing.opensAt);
  const beforeExpiry = (timing: Usable) => !expiresAt || opensAt(timing).getTime() < expiresAt.getTime();

  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { kind: 'expire', reason: 'PAST_EXPIRES_AT', reasons: [`expiresAt ${at(expiresAt)} has passed`] };
  if (sendAt && expiresAt && sendAt.getTime() > now.getTime() && sendAt.getTime() >= expiresAt.getTime()) {
    return { kind: 'expire', reason: 'SCHEDULED', reasons: [`sendAt ${at(sendAt)} is at or after expiresAt ${at(expiresAt)}`] };
  }
  const usable = channels.filter(isUsable);
  const best = usable[0];
  if (!best) return { kind: 'none', reasons: [...linesThrough(undefined), 'no channel can carry the message, now or later'] };
  if (sendAt && sendAt.getTime() > now.getTime()) {
    return {
      kind: 'defer',
      until: sendAt,
      reason: 'SCHEDULED',
      channel: best.channel,
      reasons: [`scheduled for ${at(sendAt)}; channels are chosen again then, ${best.channel} leads now`],
    };
  }
  if (best.state === 'open') return { kind: 'send_now', channel: best.channel, reasons: linesThrough(best) };

  const sendNowOrSoonest = (notes: string[]): TimingDecision => {
    const open = usable.find((timing) => timing.state === 'open');
    if (open) return { kind: 'send_now', channel: open.channel, reasons: [...linesThrough(open), ...notes] };
    const soonest = usable.filter(beforeExpiry).reduce<Usable | undefined>((first, timing) => (first && opensAt(first) <= opensAt(timing) ? first : timing), undefined);
    if (soonest?.state === 'closed_for_now') {
      return deferTo(soonest, [...linesThrough(soonest), ...notes, `no channel is open now; ${soonest.channel} opens first`]);
    }
    return { kind: 'expire', reason: best.reason, reasons: [...linesThrough(undefined), ...notes, 'no channel opens before expiresAt'] };
  };

  if (!expiresAt || best.opensAt.getTime() < expiresAt.getTime()) {
    const waiting = expiresAt ? `waiting lands before expiresAt ${at(expiresAt)}` : 'the message has no expiresAt, so waiting cannot expire it';
    if (rules[category] === 'best_available_now') return sendNowOrSoonest([waiting, `${category} takes the best channel available now`]);
    const openBelow = usable.find((timing) => timing.state === 'open');
    const passedOver = openBelow ? [`${openBelow.channel} is open now but ranks below ${best.channel}`] : [];
    return deferTo(best, [...linesThrough(best), waiting, ...passedOver, `${category} waits for the best channel`]);
  }
  const late = `waiting for ${best.channel} would land at or after expiresAt ${at(expiresAt)}`;
  if (rules.perishable === 'expire') {
    return {
      kind: 'expire',
      reason: best.reason,
      reasons: [...linesThrough(best), late, 'a message that would expire waiting is not sent on a worse channel (perishable: expire)'],
    };
  }
  return sendNowOrSoonest([late, 'a message that would expire waiting takes the best channel available now (perishable: best_available_now)']);
}

function deferTo(timing: Extract<Usable, { state: 'closed_for_now' }>, reasons: string[]): TimingDecision {
  return { kind: 'defer', until: timing.opensAt, reason: timing.reason, channel: timing.channel, reasons };
}

function isUsable(timing: ChannelTiming): timing is Usable {
  return timing.state === 'open' || (timing.state === 'closed_for_now' && timing.opensAt !== undefined);
}

function describeChannel(timing: ChannelTiming, at: (instant: Date) => string): string {
  const detail = timing.state !== 'open' && timing.detail ? ` (${timing.detail})` : '';
  switch (timing.state) {
    case 'open':
      return `${timing.channel} is open now`;
    case 'blocked':
      return `${timing.channel} cannot be used: ${timing.reason}${detail}`;
    case 'closed_for_now': {
      const closed = timing.reason === 'QUIET_HOURS' ? 'is in quiet hours' : 'is outside its send window';
      return timing.opensAt ? `${timing.channel} ${closed} until ${at(timing.opensAt)}${detail}` : `${timing.channel} ${closed}, which never opens${detail}`;
    }
  }
}
