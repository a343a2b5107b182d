import { snapshotAt } from '../learning/evidence.js';
import { type Channel, type ChannelEngagement, ENGAGEMENT_COUNTERS, type EngagementCounter } from '../model.js';
import type { FeedbackEvent } from './event.js';

export { ENGAGEMENT_COUNTERS, type EngagementCounter };
export type EngagementDelta = Partial<Record<EngagementCounter, number>>;

/**
 * The counter an event moves. Scoring divides engaged by delivered, so each counter moves at most
 * once per message and channel (see `counterKey`): five opens of one email are one opened email,
 * not a rate above 100 %.
 *
 * An SMS the carrier could not deliver counts as bounced, like an email bounce; an SMS refused
 * because the number opted out does not: the address works, the customer said no.
 */
export function counterFor(event: Pick<FeedbackEvent, 'kind' | 'channel' | 'optedOut'>): EngagementCounter | undefined {
  switch (event.kind) {
    case 'delivered':
    case 'opened':
    case 'clicked':
    case 'bounced':
      return event.kind;
    case 'failed':
      return event.channel === 'sms' && !event.optedOut ? 'bounced' : undefined;
    default:
      return undefined;
  }
}

/** Marks, on the delivery record, that a counter was already moved for this message. */
export function counterKey(channel: Channel, counter: EngagementCounter): string {
  return `${channel}:${counter}`;
}

/** Opens and clicks are the customer's own doing; only they move `lastEngagedAt`. */
export function isEngagement(delta: EngagementDelta): boolean {
  return (delta.opened ?? 0) > 0 || (delta.clicked ?? 0) > 0;
}

/**
 * One channel's engagement after `counter` moved by one at `at`: what the feedback store writes,
 * for stores that hold the record in memory (the simulator). An open or a click also moves
 * `lastEngagedAt` forward and refreshes the faded evidence snapshot.
 */
export function countOnce(before: ChannelEngagement | undefined, counter: EngagementCounter, at: Date, halfLifeDays: number): ChannelEngagement {
  const after: ChannelEngagement = { ...before, [counter]: (before?.[counter] ?? 0) + 1 };
  if (counter !== 'opened' && counter !== 'clicked') return after;
  const last = before?.lastEngagedAt;
  if (!last || last < at.toISOString()) after.lastEngagedAt = at.toISOString();
  after.recent = snapshotAt(before, after, at, halfLifeDays);
  return after;
}
