import { mapWithConcurrency } from '../concurrency.js';
import { isMalformedCustomer } from '../customer-record.js';
import { RetryableError } from '../errors.js';
import type { ConsentBook } from '../model.js';
import type { Clock, CustomerDirectory, WakeScheduler } from '../ports.js';
import { counterFor, counterKey } from './engagement.js';
import { type FeedbackEvent, sanitizeTagValue } from './event.js';
import type { EngagementMetric, FeedbackOutcome, FeedbackStore, FeedbackTarget, FeedbackTelemetry, FeedbackWrite, ProviderMessageIndex, SuppressionWriter } from './ports.js';
import { advance, predecessorsOf, statusOf } from './status.js';
import { type SuppressionPlan, suppressionFor } from './suppression.js';

export interface FeedbackDeps {
  store: FeedbackStore;
  index: ProviderMessageIndex;
  /** Reads consent for complaint rules; records STOP the same way the orchestrator does. */
  customers: CustomerDirectory;
  suppressions: SuppressionWriter;
  telemetry: FeedbackTelemetry;
  clock: Clock;
  /**
   * Concludes an escalation as soon as the customer engages: its pending wake is cancelled and
   * sent at once, so the escalation ends now rather than at its next step. Absent: that step's
   * own wake ends it, later, with the same result.
   */
  wakes?: WakeScheduler;
}

/** Two events racing on one record settle within a couple of re-reads; more means something is wrong. */
const MAX_WRITES = 4;
/**
 * Keeps a record well below DynamoDB's 400 KB item limit when a link scanner or a chatty mail
 * client reports hundreds of opens: later events still count, they are just not listed.
 */
export const MAX_TIMELINE_EVENTS = 200;
/**
 * De-duplication marks kept per generation; two generations are kept, so a record remembers the
 * last 100 to 200 event ids. Copies of one provider event arrive within hours, a few events of
 * the message between them, while a link scanner's hundreds of clicks would otherwise grow the
 * record without end.
 */
export const SEEN_EVENTS_PER_GENERATION = 100;

/**
 * Applies one event: find its delivery record, check it belongs there, apply any suppression,
 * then append it to the timeline, move the status forward and count it, once.
 *
 * Suppression is written first and is idempotent (same values, same `updatedAt`), so a failure
 * between the two writes is repaired by the retry; the other order would lose the suppression,
 * because the retry would find the event already seen.
 */
export async function applyFeedbackEvent(event: FeedbackEvent, deps: FeedbackDeps): Promise<FeedbackOutcome> {
  const outcome = await apply(event, deps);
  deps.telemetry.record({ kind: 'outcome', outcome: outcome.outcome, channel: event.channel });
  return outcome;
}

/**
 * Every event of a batch is attempted; the first error is rethrown after the rest were applied,
 * so the source redelivers the batch and de-duplication makes the second pass cheap.
 */
export async function applyFeedbackBatch(events: readonly FeedbackEvent[], deps: FeedbackDeps, concurrency = 8): Promise<FeedbackOutcome[]> {
  let firstError: unknown;
  const outcomes = await mapWithConcurrency(events, concurrency, async (event) => {
    try {
      return await applyFeedbackEvent(event, deps);
    } catch (error) {
      firstError ??= error;
      return undefined;
    }
  });
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- passes on what a worker caught, whatever was thrown.
  if (firstError !== undefined) throw firstError;
  return outcomes as FeedbackOutcome[];
}

async function apply(event: FeedbackEvent, deps: FeedbackDeps): Promise<FeedbackOutcome> {
  const located = await locate(event, deps);
  if ('outcome' in located) return located;
  let target: FeedbackTarget | undefined = located;
  let plan: SuppressionPlan | undefined;
  for (let write = 0; write < MAX_WRITES; write++) {
    if (!target) return { outcome: 'unmatched', reason: 'delivery record disappeared' };
    if (target.seenEvents.has(event.eventId)) return { outcome: 'duplicate', requestId: target.requestId };
    if (write === 0) plan = await suppress(event, target, deps);
    const planned = planWrite(event, target, deps.clock.now());
    if (await deps.store.record(planned)) {
      report(event, target, plan, deps);
      await concludeEscalation(event, target, deps);
      return { outcome: 'applied', requestId: target.requestId, status: planned.status?.to ?? target.status, ...(plan ? { suppression: plan.reason } : {}) };
    }
    target = await deps.store.find(target.requestId);
  }
  throw new RetryableError(`delivery ${located.requestId} kept changing while feedback was applied`, 'FEEDBACK_CONFLICT');
}

/** Best effort: if the wake cannot be brought forward, it ends the escalation at its own time. */
async function concludeEscalation(event: FeedbackEvent, target: FeedbackTarget, deps: FeedbackDeps): Promise<void> {
  const wake = target.pendingWake;
  if (!deps.wakes || wake?.kind !== 'escalation' || (event.kind !== 'opened' && event.kind !== 'clicked')) return;
  const pending = { requestId: target.requestId, ...wake };
  try {
    await deps.wakes.bringForward({ ...pending, due: deps.clock.now() }, deps.clock.now());
  } catch {
    // The scheduled wake still stands (or has fired): the escalation ends then instead.
  }
}

/** The exact id first, then the provider's id, then the sanitised tag, which is exact for most ids. */
async function locate(event: FeedbackEvent, deps: FeedbackDeps): Promise<FeedbackTarget | FeedbackOutcome> {
  const { correlation } = event;
  let target = event.requestId ? await deps.store.find(event.requestId) : undefined;
  if (!target && correlation?.providerMessageId) {
    const requestId = await deps.index.lookup(event.channel, correlation.providerMessageId);
    if (requestId) target = await deps.store.find(requestId);
  }
  if (!target && correlation?.sanitizedRequestId) target = await deps.store.find(correlation.sanitizedRequestId);
  if (!target) return { outcome: 'unmatched', reason: 'no delivery record for the event' };
  const mismatch = mismatchOf(event, target);
  return mismatch ? { outcome: 'mismatch', requestId: target.requestId, reason: mismatch } : target;
}

/** An event about someone else's message, or a channel it was never sent on, is never applied. */
function mismatchOf(event: FeedbackEvent, target: FeedbackTarget): string | undefined {
  if (event.customerId !== undefined && event.customerId !== target.customerId) return 'customer differs';
  const tagged = event.correlation?.sanitizedCustomerId;
  if (tagged !== undefined && tagged !== sanitizeTagValue(target.customerId)) return 'customer tag differs';
  // Until the final write its attempts may not all be on the record (under `all`, the last
  // channel's arrives with it), even when an earlier channel's event has moved the status on.
  if (target.finished && target.sentChannels.length > 0 && !target.sentChannels.includes(event.channel)) return `not sent on ${event.channel}`;
  return undefined;
}

async function suppress(event: FeedbackEvent, target: FeedbackTarget, deps: FeedbackDeps): Promise<SuppressionPlan | undefined> {
  const consent = needsConsent(event) ? await readConsent(target.customerId, deps) : undefined;
  const plan = suppressionFor(event, { ...(target.category ? { category: target.category } : {}), ...topicOf(event, target) }, consent);
  if (!plan) return undefined;
  const stop = plan.changes.some((change) => change.kind === 'sms_opt_out');
  if (stop) await deps.customers.applyAddressChanges(target.customerId, [{ channel: 'sms', kind: 'opted_out' }], new Date(plan.at));
  const rest = plan.changes.filter((change) => change.kind !== 'sms_opt_out');
  if (rest.length > 0) await deps.suppressions.apply(target.customerId, { ...plan, changes: rest });
  return plan;
}

function needsConsent(event: FeedbackEvent): boolean {
  return event.kind === 'complained' || (event.kind === 'unsubscribed' && event.unsubscribe?.all === true);
}

/**
 * A record the directory cannot read gives no consent to go by: the plan then covers what the
 * event itself names (the complained message's topic, the topics left). Nothing is sent to such a
 * customer until the record is repaired, and the event still lands on the delivery record.
 */
async function readConsent(customerId: string, deps: FeedbackDeps): Promise<ConsentBook | undefined> {
  const customer = (await deps.customers.getMany([customerId])).get(customerId);
  return customer && !isMalformedCustomer(customer) ? customer.consent : undefined;
}

/** The record's topic is authoritative; the event's (a tag, a link) only fills a gap. */
function topicOf(event: FeedbackEvent, target: FeedbackTarget): { topic?: string } {
  const topic = target.topic ?? event.topic;
  return topic ? { topic } : {};
}

export function planWrite(event: FeedbackEvent, target: FeedbackTarget, now: Date): FeedbackWrite {
  const next = advance(target.status, event);
  const counter = counterFor(event);
  const key = counter ? counterKey(event.channel, counter) : undefined;
  const engaged = counter === 'opened' || counter === 'clicked';
  return {
    requestId: target.requestId,
    customerId: target.customerId,
    eventId: event.eventId,
    seen: { limit: SEEN_EVENTS_PER_GENERATION, startGeneration: (target.recentSeenCount ?? target.seenEvents.size) >= SEEN_EVENTS_PER_GENERATION },
    // An event that stands for no status (a delay, a dismissal) is shown at the status of its time.
    ...(target.timelineLength < MAX_TIMELINE_EVENTS
      ? {
          timelineEvent: {
            status: statusOf(event) ?? target.status,
            at: event.at,
            channel: event.channel,
            eventId: event.eventId,
            ...(event.detail ? { detail: event.detail } : {}),
          },
        }
      : {}),
    ...(next !== target.status ? { status: { to: next, from: predecessorsOf(next) } } : {}),
    ...(counter && key && !target.countedEngagement.has(key) ? { counter: { channel: event.channel, name: counter, key } } : {}),
    ...(engaged ? { engaged: { channel: event.channel, at: event.at } } : {}),
    updatedAt: now.toISOString(),
  };
}

/**
 * Only once the event is recorded: copies racing each other all write the (idempotent)
 * suppression, but only the one that wins counts. Every applied event counts, even the second
 * open of one email; the counters take one per message.
 */
function report(event: FeedbackEvent, target: FeedbackTarget, plan: SuppressionPlan | undefined, deps: FeedbackDeps): void {
  if (plan) deps.telemetry.record({ kind: 'suppression', reason: plan.reason });
  const metric = metricOf(event);
  if (!metric) return;
  const template = target.template ?? event.template;
  deps.telemetry.record({ kind: 'engagement', metric, channel: event.channel, ...(template ? { template } : {}) });
}

function metricOf(event: FeedbackEvent): EngagementMetric | undefined {
  if (event.kind === 'complained') return 'complained';
  const counter = counterFor(event);
  return counter === 'sent' ? undefined : counter;
}
