import { DELIVERY_STATUSES, type DeliveryStatus } from '../model.js';
import type { FeedbackEvent, FeedbackKind } from './event.js';

/**
 * How far a message got. Status only ever moves to a higher rank, so events may arrive in any
 * order: a late DELIVERED never undoes CLICKED.
 *
 * - A failed delivery (BOUNCED, FAILED, RENDER_FAILED) outranks DELIVERED: an asynchronous bounce
 *   arrives after the receiving server first accepted the message, and it is the truer account.
 * - OPENED and CLICKED outrank the failures: the customer demonstrably saw the message.
 * - COMPLAINED outranks everything that follows a send: a complaint after an open or a click is
 *   the customer's last word on the message and must stay visible.
 * - SUPPRESSED, EXPIRED, REJECTED and DEFERRED mean nothing was sent; no provider event can move them.
 */
const RANK: Record<DeliveryStatus, number> = {
  ACCEPTED: 0,
  SENT: 1,
  DELIVERED: 2,
  BOUNCED: 3,
  FAILED: 3,
  RENDER_FAILED: 3,
  OPENED: 4,
  CLICKED: 5,
  COMPLAINED: 6,
  SUPPRESSED: 7,
  EXPIRED: 7,
  REJECTED: 7,
  // Nothing is sent while deferred; a provider event cannot refer to it.
  DEFERRED: 7,
};

/** The status an event stands for; undefined for events that add to the timeline only. */
const STATUS_OF: Record<FeedbackKind, DeliveryStatus | undefined> = {
  sent: 'SENT',
  delivered: 'DELIVERED',
  delayed: undefined,
  opened: 'OPENED',
  clicked: 'CLICKED',
  dismissed: undefined,
  bounced: 'BOUNCED',
  complained: 'COMPLAINED',
  rejected: 'FAILED',
  failed: 'FAILED',
  unsubscribed: undefined,
};

export function statusOf(event: Pick<FeedbackEvent, 'kind'>): DeliveryStatus | undefined {
  return STATUS_OF[event.kind];
}

/**
 * The statuses from which `target` is a step forward. Writers use them as a condition
 * (`status IN (…)`), so two events racing on one record can never move it backwards.
 */
export function predecessorsOf(target: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((status) => RANK[status] < RANK[target]);
}

/** The status after the event: the event's own when it is a step forward, else the current one. */
export function advance(current: DeliveryStatus, event: Pick<FeedbackEvent, 'kind'>): DeliveryStatus {
  const target = statusOf(event);
  return target !== undefined && RANK[target] > RANK[current] ? target : current;
}
