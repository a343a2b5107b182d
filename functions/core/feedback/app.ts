import * as z from 'zod';
import type { Problem } from '../model.js';
import { clipText, problemsOf } from '../problem-bounds.js';
import { isRequestId } from '../request.js';
import { EVERY_TOPIC } from '../topics.js';
import { type FeedbackEvent, idPart } from './event.js';

export const INBOX_ACTIONS = ['read', 'clicked', 'dismissed'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export const APP_PUSH_EVENTS = ['opened', 'clicked'] as const;
export type AppPushEvent = (typeof APP_PUSH_EVENTS)[number];

const appPushEventSchema = z.strictObject({
  requestId: z.string().refine(isRequestId, 'must be the requestId of a message sent to you'),
  event: z.enum(APP_PUSH_EVENTS),
});

/** Keeps `detail` short whatever the topic. */
const MAX_TOPIC_IN_DETAIL = 128;

export type AppPushEventReading = { ok: true; requestId: string; kind: AppPushEvent } | { ok: false; problems: Problem[] };

/** The app's report of a push open or tap, `{ "requestId", "event" }`: every problem with its path, bounded. */
export function readAppPushEvent(body: unknown): AppPushEventReading {
  const parsed = appPushEventSchema.safeParse(body);
  if (parsed.success) return { ok: true, requestId: parsed.data.requestId, kind: parsed.data.event };
  return { ok: false, problems: problemsOf(parsed.error) };
}

/**
 * The inputs are ours (a clock, a stored message, a signed link) and checked by the callers;
 * ids are still bounded in the event id, which every redelivery must reproduce exactly.
 */
interface Owned {
  requestId: string;
  customerId: string;
  at: Date;
}

/**
 * The customer acted on an inbox message. The event id is the action itself, not the moment: a
 * message read on two devices is one read, and the app retrying a request counts once.
 */
export function fromInboxAction(input: Owned & { action: InboxAction; template?: string; topic?: string }): FeedbackEvent {
  return {
    eventId: `inbox:${idPart(input.requestId)}:${input.action}`,
    requestId: input.requestId,
    customerId: input.customerId,
    channel: 'in_app',
    kind: input.action === 'read' ? 'opened' : input.action,
    at: input.at.toISOString(),
    source: 'inbox',
    detail: `INBOX ${input.action.toUpperCase()}`,
    ...(input.template ? { template: input.template } : {}),
    ...(input.topic ? { topic: input.topic } : {}),
  };
}

/** The app reports that a push notification was opened or its action tapped; once per message. */
export function fromAppPushEvent(input: Owned & { kind: AppPushEvent; template?: string }): FeedbackEvent {
  return {
    eventId: `app:push:${idPart(input.requestId)}:${input.kind}`,
    requestId: input.requestId,
    customerId: input.customerId,
    channel: 'push',
    kind: input.kind,
    at: input.at.toISOString(),
    source: 'app',
    detail: `PUSH ${input.kind.toUpperCase()} (reported by the app)`,
    ...(input.template ? { template: input.template } : {}),
  };
}

/**
 * A one-click unsubscribe (RFC 8058) from the link in a marketing email. A link whose topic is
 * `"*"` (from a message sent before requests had to name a declared topic) leaves every marketing
 * topic, as SES's "unsubscribe from all" does: consent has no topic `"*"` to opt out of, and a
 * channel-wide opt-out would stop order updates too.
 */
export function fromUnsubscribeLink(input: Owned & { topic: string }): FeedbackEvent {
  const everyTopic = input.topic === EVERY_TOPIC;
  return {
    eventId: `link:${idPart(input.requestId)}:unsubscribe:${idPart(input.topic)}`,
    requestId: input.requestId,
    customerId: input.customerId,
    channel: 'email',
    kind: 'unsubscribed',
    at: input.at.toISOString(),
    source: 'unsubscribe_link',
    topic: input.topic,
    detail: `UNSUBSCRIBE ${everyTopic ? 'every marketing topic' : clipText(input.topic, MAX_TOPIC_IN_DETAIL)} (one-click)`,
    unsubscribe: everyTopic ? { topics: [], all: true } : { topics: [input.topic], all: false },
  };
}
