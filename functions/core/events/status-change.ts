import { CATEGORIES, type Category, CHANNELS, type Channel, DELIVERY_STATUSES, type DeliveryStatus, EXCLUSION_REASONS, type ExclusionReason } from '../model.js';
import { DETAIL_TYPES, type DeliveryStatusDetail, type DeliveryStatusEvent, EVENT_VERSION, TIMING_REASONS } from './delivery-status-event.js';

/** One write to the deliveries table as its stream reports it: the item before and after, each absent when there was none. */
export interface ItemChange {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

type Item = Record<string, unknown>;

/**
 * The event a write stands for, or undefined when it changed no status worth announcing: the
 * status is the same as before, it is ACCEPTED (a claim, or a deferral's wake taking the record
 * back), the item was removed (its time to live ran out, or an erasure), or it is not a delivery
 * record at all (the table also maps provider message ids to requests).
 *
 * The detail is built field by field from what the contract names: nothing else on the record
 * (addresses in attempts, provider text in the timeline, the stored request and its data,
 * problem text quoting the input) can reach it.
 */
export function statusEventOf(change: ItemChange): DeliveryStatusEvent | undefined {
  const after = change.after && deliveryRecordOf(change.after);
  if (!after || after.status === 'ACCEPTED') return undefined;
  const status = after.status;
  const before = change.before && deliveryRecordOf(change.before);
  if (before?.status === status) return undefined;
  const { item, at } = after;
  const channel = channelOfStatus(item, status, change.before) ?? channelOf(item.channel);
  const detail: DeliveryStatusDetail = {
    version: EVENT_VERSION,
    eventId: statusEventId(after.requestId, status, at),
    requestId: after.requestId,
    customerId: after.customerId,
    ...optionalText(item, 'template'),
    ...(isCategory(item.category) ? { category: item.category } : {}),
    ...optionalText(item, 'topic'),
    status,
    ...(before ? { previousStatus: before.status } : {}),
    ...(channel ? { channel } : {}),
    channels: sentChannels(item),
    reasons: reasonsOf(item),
    at,
    createdAt: instantOf(item.createdAt) ?? at,
    ...(status === 'DEFERRED' && instantOf(item.deferredUntil) ? { deferredUntil: instantOf(item.deferredUntil) } : {}),
  };
  return { detailType: DETAIL_TYPES[status], time: at, detail };
}

/** The same status change always gets the same id: `#` never occurs in a request id, so the parts cannot run together. */
export function statusEventId(requestId: string, status: DeliveryStatus, at: string): string {
  return `${requestId}#${status}#${at}`;
}

interface RecordFacts {
  item: Item;
  requestId: string;
  customerId: string;
  status: DeliveryStatus;
  at: string;
}

/**
 * A delivery record has its key, a known status and the time of its last change. A rejected
 * message without a usable customer is stored without one; its events name the customer `""`.
 */
function deliveryRecordOf(item: Item): RecordFacts | undefined {
  const { requestId, customerId, status } = item;
  const at = instantOf(item.updatedAt);
  if (typeof requestId !== 'string' || !isStatus(status) || !at) return undefined;
  return { item, requestId, customerId: typeof customerId === 'string' ? customerId : '', status, at };
}

/**
 * The channel the write's own timeline events name for the new status: a provider's report, or
 * the first channel sent on. The timeline only grows, so the write's events are those past the
 * old image's; a note the same write adds (a token found dead) comes after them.
 */
function channelOfStatus(item: Item, status: DeliveryStatus, before: Item | undefined): Channel | undefined {
  const earlier = before && Array.isArray(before.timeline) ? before.timeline.length : 0;
  const added = Array.isArray(item.timeline) ? (item.timeline as unknown[]).slice(earlier) : [];
  for (const event of added) {
    if (isItem(event) && event.status === status && channelOf(event.channel)) return channelOf(event.channel);
  }
  return undefined;
}

function sentChannels(item: Item): Channel[] {
  if (Array.isArray(item.channels)) return item.channels.flatMap((value) => channelOf(value) ?? []);
  const channel = channelOf(item.channel);
  return channel ? [channel] : [];
}

function reasonsOf(item: Item): DeliveryStatusDetail['reasons'] {
  const decision = isItem(item.decision) ? item.decision : {};
  const excluded = (Array.isArray(decision.excluded) ? (decision.excluded as unknown[]) : []).flatMap((entry) => {
    if (!isItem(entry)) return [];
    const channel = channelOf(entry.channel);
    return channel && isExclusionReason(entry.reason) ? [{ channel, reason: entry.reason }] : [];
  });
  const errors = new Map<string, { channel: Channel; code: string }>();
  for (const attempt of Array.isArray(item.attempts) ? (item.attempts as unknown[]) : []) {
    if (!isItem(attempt) || !isItem(attempt.error)) continue;
    const channel = channelOf(attempt.channel);
    const code = attempt.error.code;
    if (channel && typeof code === 'string' && code !== '') errors.set(`${channel} ${code}`, { channel, code });
  }
  const timing = isItem(decision.timing) ? decision.timing.reason : undefined;
  return { excluded, errors: [...errors.values()], ...(isTimingReason(timing) ? { timing } : {}) };
}

/** A stored time in the one form the contract uses: UTC ISO 8601 with milliseconds. */
function instantOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function optionalText(item: Item, key: 'template' | 'topic'): Partial<Record<typeof key, string>> {
  const value = item[key];
  return typeof value === 'string' && value !== '' ? { [key]: value } : {};
}

const isItem = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
const channelOf = (value: unknown): Channel | undefined => ((CHANNELS as readonly unknown[]).includes(value) ? (value as Channel) : undefined);
const isStatus = (value: unknown): value is DeliveryStatus => (DELIVERY_STATUSES as readonly unknown[]).includes(value);
const isCategory = (value: unknown): value is Category => (CATEGORIES as readonly unknown[]).includes(value);
const isExclusionReason = (value: unknown): value is ExclusionReason => (EXCLUSION_REASONS as readonly unknown[]).includes(value);
const isTimingReason = (value: unknown): value is keyof typeof TIMING_REASONS => typeof value === 'string' && Object.hasOwn(TIMING_REASONS, value);
