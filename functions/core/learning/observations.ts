import * as z from 'zod';
import { type Channel, CHANNELS, STATED_PREFERENCES, SURFACES } from '../model.js';
import type { Observation } from './priors.js';

const channel = z.enum(CHANNELS);

/**
 * The parts of a delivery record learning reads, as stored. Anything else on the record is
 * ignored; a record whose parts do not fit gives no observation rather than a wrong one.
 */
export const observedDeliverySchema = z.object({
  createdAt: z.string().optional(),
  attempts: z.array(z.object({ channel, outcome: z.string(), at: z.string() })).default([]),
  timeline: z.array(z.object({ status: z.string(), channel: channel.optional() })).default([]),
  status: z.string(),
  decision: z.object({ moment: z.enum(SURFACES).optional(), preferred: z.enum(STATED_PREFERENCES).optional() }).optional(),
  escalation: z.object({ steps: z.array(z.object({ channel, sentAt: z.string() })) }).optional(),
});
export type ObservedDelivery = z.infer<typeof observedDeliverySchema>;

/** The record attributes learning reads: what a read of the deliveries table needs to fetch. */
export const OBSERVED_ATTRIBUTES = ['createdAt', 'attempts', 'timeline', 'status', 'decision.moment', 'decision.preferred', 'escalation.steps'] as const;

const ENGAGED = new Set(['OPENED', 'CLICKED']);
const BOUNCED = new Set(['BOUNCED']);

/**
 * One observation per channel a provider accepted the message on: engaged when the timeline
 * shows it opened or clicked on that channel. A message that bounced there was never delivered
 * and says nothing about engagement. The moment is the decision's, so it belongs to the channels
 * sent when the decision was made; an escalation's later steps were decided later, elsewhere
 * perhaps, and carry none. The stated preference describes the customer, so every channel
 * carries it. A record never sent (suppressed, rejected, deferred, expired, failed) gives none.
 */
export function observationsOf(record: ObservedDelivery): Observation[] {
  const sentAt = new Map<Channel, number>();
  for (const attempt of record.attempts) {
    const at = Date.parse(attempt.at);
    if (attempt.outcome === 'SENT' && !sentAt.has(attempt.channel)) sentAt.set(attempt.channel, Number.isNaN(at) ? Date.parse(record.createdAt ?? '') : at);
  }
  // An event without a channel can only be placed when there was one channel.
  const happened = (statuses: Set<string>, on: Channel) =>
    record.timeline.some((event) => statuses.has(event.status) && (event.channel === on || (event.channel === undefined && sentAt.size === 1)));
  // A busy record's timeline stops growing; its status still says the one channel was engaged.
  const onlyChannelEngaged = sentAt.size === 1 && ENGAGED.has(record.status);
  const later = laterSteps(record);
  const preferred = record.decision?.preferred;
  const observations: Observation[] = [];
  for (const [sent, at] of sentAt) {
    if (Number.isNaN(at) || happened(BOUNCED, sent)) continue;
    const moment = later.has(sent) ? undefined : record.decision?.moment;
    const engaged = onlyChannelEngaged || happened(ENGAGED, sent);
    observations.push({ channel: sent, engaged, at: new Date(at), ...(moment ? { moment } : {}), ...(preferred ? { preferred } : {}) });
  }
  return observations;
}

/** Channels of an escalation sent after its first step. */
function laterSteps(record: ObservedDelivery): Set<Channel> {
  const steps = record.escalation?.steps ?? [];
  const first = steps[0]?.sentAt;
  return new Set(steps.filter((step) => step.sentAt !== first).map((step) => step.channel));
}

/** A stored item as learning reads it; one that does not fit gives no observation. */
export function observationsOfItem(item: unknown): Observation[] {
  const parsed = observedDeliverySchema.safeParse(item);
  return parsed.success ? observationsOf(parsed.data) : [];
}
