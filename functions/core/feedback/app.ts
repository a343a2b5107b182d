import type { FeedbackEvent } from './event.js';

export const INBOX_ACTIONS = ['read', 'clicked', 'dismissed'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export const APP_PUSH_EVENTS = ['opened', 'clicked'] as const;
export type AppPushEvent = (typeof APP_PUSH_EVENTS)[number];

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
    eventId: `inbox:${input.requestId}:${input.action}`,
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
    eventId: `app:push:${input.requestId}:${input.kind}`,
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

/** A one-click unsubscribe (RFC 8058) from the link in a marketing email. */
export function fromUnsubscribeLink(input: Owned & { topic: string }): FeedbackEvent {
  return {
    eventId: `link:${input.requestId}:unsubscribe:${input.topic}`,
    requestId: input.requestId,
    customerId: input.customerId,
    channel: 'email',
    kind: 'unsubscribed',
    at: input.at.toISOString(),
    source: 'unsubscribe_link',
    topic: input.topic,
    detail: `UNSUBSCRIBE ${input.topic} (one-click)`,
    unsubscribe: { topics: [input.topic], all: false },
  };
}
