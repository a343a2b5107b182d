import type { DecisionConfig } from '../config.js';
import { messageClass } from '../decide.js';
import { applicableQuietHours, standingExclusion } from '../eligibility.js';
import { type Channel, CHANNELS, type Customer, type Decision, type ExcludedChannel, type TimingNote } from '../model.js';
import { resolveTimeZone } from '../quiet-hours.js';
import type { SendRequest } from '../request.js';
import type { LearnedPriors } from '../learning/priors.js';
import { statedPreference } from '../learning/estimate.js';
import { momentOf, rankChannels } from '../scoring.js';
import type { TemplateManifest } from '../templates.js';
import { type ChannelTiming, decideDeferral, type TimingDecision } from './deferral.js';
import { describeLocalInstant } from './local-time.js';
import { resolveSendAt } from './send-at.js';
import { checkTimeRules } from './windows.js';

export interface PlanInput {
  request: SendRequest;
  customer: Customer;
  manifest: TemplateManifest;
  now: Date;
  /** A deferral already waited for `sendAt`: it is not waited for again (its next occurrence would be tomorrow). */
  sendAtReached?: boolean;
  /** The population's learned engagement per channel and moment; without it, the configured priors. */
  priors?: LearnedPriors;
}

export interface Plan {
  /** Channels open now, best first, and every other channel with the reason it is not used now. */
  decision: Decision;
  timing: TimingDecision;
}

/**
 * Decides what happens to a message now: which channels could carry it, which of them the clock
 * holds back and until when, and then, by the deferral rules, whether it goes now, waits for a
 * better channel, expires or has nowhere to go. Channels closed by the clock are ranked with the
 * open ones, so "the best channel" means the best one whatever the hour.
 */
export function planDelivery(input: PlanInput, config: DecisionConfig): Plan {
  const { request, customer, manifest, now } = input;
  const { category, topic } = messageClass(request, manifest);
  const zone = resolveTimeZone(customer.timeZone);
  const blocked: ExcludedChannel[] = [];
  const candidates: Channel[] = [];
  for (const channel of CHANNELS) {
    const exclusion = !manifest.channels.includes(channel)
      ? { channel, reason: 'NOT_IN_TEMPLATE' as const }
      : request.channels && !request.channels.includes(channel)
        ? { channel, reason: 'NOT_ALLOWED' as const }
        : standingExclusion({ customer, channel, category, topic });
    if (exclusion) blocked.push(exclusion);
    else candidates.push(channel);
  }

  const scoring = { customer, request, category, now, ...(input.priors ? { priors: input.priors } : {}) };
  const ranked = rankChannels(candidates, scoring, config);
  const moment = momentOf(scoring, config);
  const rulesFor = (channel: Channel) => {
    const quietHours = applicableQuietHours({ customer, channel, category, priority: request.priority }, config);
    return { ...(quietHours ? { quietHours } : {}), ...(manifest.sendWindow ? { sendWindow: manifest.sendWindow } : {}) };
  };
  const sendAt = request.sendAt && !input.sendAtReached ? resolveSendAt(request.sendAt, now, customer.timeZone) : undefined;
  // When the best channel is open now and nothing is scheduled, when the others open cannot change the outcome.
  const leader = ranked[0] ? checkTimeRules(now, customer.timeZone, rulesFor(ranked[0].channel), { findOpening: false }) : undefined;
  const findOpening = sendAt !== undefined || leader?.allowed === false;
  const timings: ChannelTiming[] = ranked.map(({ channel }) => {
    const verdict = checkTimeRules(now, customer.timeZone, rulesFor(channel), { findOpening });
    if (verdict.allowed) return { channel, state: 'open' };
    return { channel, state: 'closed_for_now', reason: verdict.reason, opensAt: verdict.opensAt, detail: verdict.detail };
  });
  const timing = decideDeferral(
    {
      channels: [...timings, ...blocked.map((e): ChannelTiming => ({ channel: e.channel, state: 'blocked', reason: e.reason, ...(e.detail ? { detail: e.detail } : {}) }))],
      category,
      now,
      ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt) } : {}),
      ...(sendAt ? { sendAt } : {}),
      ...(customer.timeZone ? { timeZone: customer.timeZone } : {}),
    },
    config.deferral,
  );

  const closed = timings.filter((t) => t.state === 'closed_for_now');
  const closedExclusions = closed.map((t): ExcludedChannel => ({
    channel: t.channel,
    reason: t.reason,
    detail: t.opensAt ? `${t.detail}, until ${describeLocalInstant(t.opensAt, zone, now)}` : t.detail,
  }));
  const open = new Set(timings.filter((t) => t.state === 'open').map((t) => t.channel));
  const decision: Decision = {
    ranked: ranked.filter((r) => open.has(r.channel)),
    excluded: [...blocked, ...closedExclusions],
    ...(moment ? { moment } : {}),
    preferred: statedPreference(customer),
  };
  // A message with nowhere to go says so in its exclusions; the note is kept for when time had a say.
  if (closed.length > 0 || sendAt || timing.kind === 'defer' || timing.kind === 'expire') decision.timing = timingNote(timing);
  return { decision, timing };
}

function timingNote(timing: TimingDecision): TimingNote {
  switch (timing.kind) {
    case 'defer':
      return { outcome: 'defer', reason: timing.reason, until: timing.until.toISOString(), channel: timing.channel, reasons: timing.reasons };
    case 'expire':
      return { outcome: 'expire', reason: timing.reason, reasons: timing.reasons };
    default:
      return { outcome: timing.kind, reasons: timing.reasons };
  }
}
