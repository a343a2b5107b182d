import type { Channel } from '../model.js';
import { clipText } from '../problem-bounds.js';

/**
 * What happened to a message after it left, in one vocabulary for every provider: SES events,
 * SNS SMS delivery logs, inbox actions and push opens reported by the app all become this.
 */
export const FEEDBACK_KINDS = ['sent', 'delivered', 'delayed', 'opened', 'clicked', 'dismissed', 'bounced', 'complained', 'rejected', 'failed', 'unsubscribed'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export type BounceType = 'Permanent' | 'Transient' | 'Undetermined';

export type FeedbackSource = 'ses' | 'sns' | 'inbox' | 'app' | 'unsubscribe_link';

export interface FeedbackEvent {
  /**
   * Stable across redeliveries of the same provider event, and distinct between two real events
   * (two opens of one email), so the timeline and the counters take each event exactly once.
   */
  eventId: string;
  /** Exact request id; absent when only a provider id or a sanitised tag identifies the message. */
  requestId?: string;
  customerId?: string;
  channel: Channel;
  kind: FeedbackKind;
  /** ISO 8601 UTC, when the provider says it happened. */
  at: string;
  /** Short, free of personal data: provider event type and subtype, a link's host, a reason. */
  detail?: string;
  topic?: string;
  template?: string;
  source: FeedbackSource;
  /** Ways to find the request when `requestId` is absent, tried in order by the use case. */
  correlation?: {
    providerMessageId?: string;
    /** SES tag values: `[A-Za-z0-9_-]` only, so an id with `.` or `:` no longer matches exactly. */
    sanitizedRequestId?: string;
    sanitizedCustomerId?: string;
  };
  bounceType?: BounceType;
  /** SMS FAILURE because the number opted out (STOP). */
  optedOut?: boolean;
  /** Topics the customer left; `all` means every marketing topic (SES `unsubscribeAll`). */
  unsubscribe?: { topics: string[]; all: boolean };
}

/**
 * A provider event read into our vocabulary, or why it was left alone and where in the input
 * (never an error: it is not retried). Both are bounded whatever the input.
 */
export type NormalizeResult = { ok: true; event: FeedbackEvent } | { ok: false; reason: string; path: string };

/** Longest text an event carries in `detail` or a reason; providers' own text can be any length. */
export const MAX_DETAIL = 200;
/** Longest piece of a provider's text used in an event id; longer pieces are hashed. */
export const MAX_ID_PART = 128;
/** Longest provider message id accepted: real ones are well under 100 characters. */
export const MAX_PROVIDER_ID = 256;

export function ignored(reason: string, path: string): NormalizeResult {
  return { ok: false, reason: clipText(reason, MAX_DETAIL), path: clipText(path, MAX_DETAIL) };
}

/**
 * A piece of an event id: kept when short, otherwise a prefix and a hash of the whole, so the id
 * stays short, stable across redeliveries and distinct between two real events.
 */
export function idPart(value: string): string {
  return value.length <= MAX_ID_PART ? clipText(value, MAX_ID_PART) : `${clipText(value.slice(0, 64), 64)}~${shortHash(value)}`;
}

/** The same characters SES allows in tag values; used to compare our ids with tag values. */
export function sanitizeTagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}

/**
 * FNV-1a, 32 bit, hex: keeps event ids short when they are derived from long values such as a
 * clicked link. Collisions only matter between two clicks of one message at the same millisecond.
 */
export function shortHash(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Parses a provider time into the one ISO format the timeline sorts by; undefined when unreadable. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(typeof value === 'number' ? value : Date.parse(value));
  // A finite number can still be out of Date's range, where toISOString throws.
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
