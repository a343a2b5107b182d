import * as z from 'zod';
import { CATEGORIES, CHANNELS, DELIVERY_STATUSES, type DeliveryStatus, EXCLUSION_REASONS, type TimingNote } from '../model.js';

/**
 * The delivery status event, contract version 1 (docs/events.md). Upstream systems read it from
 * EventBridge; like the records it is built from, it only grows: a new field, status or reason may
 * appear in version 1, and a field never changes its meaning or goes away.
 */
export const EVENT_VERSION = '1';

/** Every status but ACCEPTED, which only says the request was picked up, is announced. */
export const ANNOUNCED_STATUSES = DELIVERY_STATUSES.filter((status): status is Exclude<DeliveryStatus, 'ACCEPTED'> => status !== 'ACCEPTED');
export type AnnouncedStatus = (typeof ANNOUNCED_STATUSES)[number];

/** The EventBridge `detail-type` of each status: what an upstream rule matches on. */
export const DETAIL_TYPES = {
  SENT: 'Delivery Sent',
  DELIVERED: 'Delivery Delivered',
  OPENED: 'Delivery Opened',
  CLICKED: 'Delivery Clicked',
  SUPPRESSED: 'Delivery Suppressed',
  EXPIRED: 'Delivery Expired',
  REJECTED: 'Delivery Rejected',
  RENDER_FAILED: 'Delivery Render Failed',
  FAILED: 'Delivery Failed',
  BOUNCED: 'Delivery Bounced',
  COMPLAINED: 'Delivery Complained',
  DEFERRED: 'Delivery Deferred',
} as const satisfies Record<AnnouncedStatus, string>;
export type DetailType = (typeof DETAIL_TYPES)[AnnouncedStatus];

/** Why the clock held a message back or let it expire: the record's `decision.timing.reason`, every one of them. */
type TimingReason = NonNullable<TimingNote['reason']>;
export const TIMING_REASONS = {
  QUIET_HOURS: 'QUIET_HOURS',
  SEND_WINDOW: 'SEND_WINDOW',
  SCHEDULED: 'SCHEDULED',
  PAST_EXPIRES_AT: 'PAST_EXPIRES_AT',
} as const satisfies { [R in TimingReason]: R };

const instant = (description: string) => z.iso.datetime().meta({ description });
const channel = z.enum(CHANNELS);

export const deliveryStatusDetailSchema = z
  .object({
    version: z.literal(EVENT_VERSION).meta({ description: 'The contract version of this detail; additions keep it at "1".' }),
    eventId: z.string().meta({
      description:
        'Stable for one status change: requestId, status and the time it was stored, joined by "#". A change announced twice (delivery is at least once) carries the same eventId: de-duplicate on it.',
    }),
    requestId: z.string().meta({ description: 'The send request, as upstream named it; the key of its delivery record.' }),
    customerId: z.string().meta({ description: 'The customer the message was for; empty for a rejected message that named no usable customer.' }),
    template: z.string().optional().meta({ description: 'The template, once known.' }),
    category: z.enum(CATEGORIES).optional().meta({ description: 'transactional or marketing, once known.' }),
    topic: z.string().optional().meta({ description: 'The consent topic the message was sent under, when it had one.' }),
    status: z.enum(ANNOUNCED_STATUSES).meta({ description: 'The status just stored; detail-type names it too.' }),
    previousStatus: z.enum(DELIVERY_STATUSES).optional().meta({
      description: 'The status stored just before; ACCEPTED when the request had just been picked up or woken. Absent for a record written whole, such as a rejection.',
    }),
    channel: channel.optional().meta({ description: 'The channel this status is about, when it is about one: the one a provider reported on, else the first one sent on.' }),
    channels: z.array(channel).meta({ description: 'Every channel the message went out on so far, in order; empty when nothing was sent.' }),
    reasons: z
      .object({
        excluded: z.array(z.object({ channel, reason: z.enum(EXCLUSION_REASONS) })).meta({ description: 'The channels the decision ruled out, and why (exclusion reason codes).' }),
        errors: z.array(z.object({ channel, code: z.string() })).meta({ description: 'The error code of each failed attempt, by channel; codes only, never provider text.' }),
        timing: z.enum(TIMING_REASONS).optional().meta({ description: 'Why the clock held the message back or let it expire, when it did.' }),
      })
      .meta({ description: 'Reason codes the record holds at this change.' }),
    at: instant('When the status was stored (UTC).'),
    createdAt: instant('When the request was created, or first handled when it did not say (UTC).'),
    deferredUntil: instant('For DEFERRED: when the request is decided again (UTC).').optional(),
  })
  .meta({
    title: 'Switchboard delivery status event detail, version 1',
    description: 'Announced once per status change of a delivery record. Carries no address, token, message content, request data or problem text.',
  });

export type DeliveryStatusDetail = z.output<typeof deliveryStatusDetailSchema>;

/** One status change, ready for the bus: its detail-type, the time it happened, and the detail. */
export interface DeliveryStatusEvent {
  detailType: DetailType;
  /** ISO 8601 (UTC): when the status was stored; the event's `time` on the bus. */
  time: string;
  detail: DeliveryStatusDetail;
}
