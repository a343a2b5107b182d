import type { Clock } from '../ports.js';
import { type AppPushEvent, fromAppPushEvent, fromInboxAction, type InboxAction } from './app.js';
import { applyFeedbackEvent, type FeedbackDeps } from './apply.js';
import type { FeedbackOutcome } from './ports.js';

/** One in-app message as the app sees it; never another customer's. */
export interface InboxMessage {
  /** The inbox sort key, `<createdAt>#<requestId>`: the message's id in the API. */
  sk: string;
  requestId: string;
  template?: string;
  topic?: string;
  title: string;
  body: string;
  action?: { label: string; url: string };
  status: 'unread' | 'read' | 'dismissed';
  createdAt: string;
  readAt?: string;
  clickedAt?: string;
  dismissedAt?: string;
}

export interface InboxPage {
  items: InboxMessage[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

/**
 * Every method takes the customer id from the caller's verified identity and keys every read and
 * write by it, so no argument can reach another customer's messages.
 */
export interface InboxStore {
  /** Newest first, dismissed and expired messages left out. */
  list(customerId: string, page: { limit: number; cursor?: string }, now: Date): Promise<InboxPage>;
  unreadCount(customerId: string, now: Date): Promise<number>;
  /** By sort key, or by request id. */
  find(customerId: string, id: string): Promise<InboxMessage | undefined>;
  mark(customerId: string, sk: string, action: InboxAction, at: Date): Promise<InboxMessage | undefined>;
}

export interface InboxDeps {
  inbox: InboxStore;
  feedback: FeedbackDeps;
  clock: Clock;
}

export type MarkResult = { found: false } | { found: true; message: InboxMessage; outcome: FeedbackOutcome };

/** Marks the customer's own message and reports the engagement to the message's delivery record. */
export async function markInboxMessage(input: { customerId: string; id: string; action: InboxAction }, deps: InboxDeps): Promise<MarkResult> {
  const found = await deps.inbox.find(input.customerId, input.id);
  if (!found) return { found: false };
  const at = deps.clock.now();
  const message = await deps.inbox.mark(input.customerId, found.sk, input.action, at);
  if (!message) return { found: false };
  const event = fromInboxAction({
    requestId: message.requestId,
    customerId: input.customerId,
    action: input.action,
    at,
    ...(message.template ? { template: message.template } : {}),
    ...(message.topic ? { topic: message.topic } : {}),
  });
  return { found: true, message, outcome: await applyFeedbackEvent(event, deps.feedback) };
}

/**
 * A push open or tap the app reports. The use case checks the request's record names this
 * customer and went out by push; anything else is `mismatch` or `unmatched`, which the API
 * answers as "not found" so it reveals nothing about other customers' requests.
 */
export async function reportPushEngagement(input: { customerId: string; requestId: string; kind: AppPushEvent }, deps: Omit<InboxDeps, 'inbox'>): Promise<FeedbackOutcome> {
  return applyFeedbackEvent(fromAppPushEvent({ ...input, at: deps.clock.now() }), deps.feedback);
}
