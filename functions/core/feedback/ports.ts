import type { Category, Channel, DeliveryStatus, TimelineEvent } from '../model.js';
import type { EngagementCounter, EngagementDelta } from './engagement.js';
import type { SuppressionPlan, SuppressionReason } from './suppression.js';

/** What feedback needs to know of a delivery record to apply an event to it. */
export interface FeedbackTarget {
  requestId: string;
  customerId: string;
  status: DeliveryStatus;
  template?: string;
  category?: Category;
  topic?: string;
  /** Channels the message actually went out on; empty while the orchestrator has not finished. */
  sentChannels: Channel[];
  /**
   * Whether the orchestrator's final write has landed. Until it has, `sentChannels` may lack a
   * channel a provider already accepted, even when feedback has moved the status on.
   */
  finished: boolean;
  /** Ids of events already applied: at least the last `SEEN_EVENTS_PER_GENERATION`, and normally at most twice as many. */
  seenEvents: ReadonlySet<string>;
  /** How many of `seenEvents` the newest generation holds; absent: all of them. */
  recentSeenCount?: number;
  /** `counterKey`s of counters already moved for this message. */
  countedEngagement: ReadonlySet<string>;
  timelineLength: number;
  /** The wake the record waits for, while a deferral or an escalation is pending. */
  pendingWake?: { token: string; kind: 'deferral' | 'escalation' };
}

export interface FeedbackWrite {
  requestId: string;
  customerId: string;
  eventId: string;
  /**
   * Marks `eventId` seen in the newest generation of at most `limit` ids, on condition that it
   * holds fewer; with `startGeneration` (it is full) the newest becomes the older one, forgetting
   * the one before, and a new generation starts with this id. So the marks stay bounded while
   * an event repeated within the last `limit` is still recognised.
   */
  seen: { limit: number; startGeneration: boolean };
  /** Absent once the timeline is full: the event still counts and is still de-duplicated. */
  timelineEvent?: TimelineEvent;
  /** Set only when the status moves forward; written on condition that it is still one of `from`. */
  status?: { to: DeliveryStatus; from: DeliveryStatus[] };
  /** Moves `engagement.<channel>.<counter>` by one, on condition that `key` was not counted yet. */
  counter?: { channel: Channel; name: EngagementCounter; key: string };
  /**
   * An open or a click: moves `engagement.<channel>.lastEngagedAt` forward to `at` and, when the
   * counter moved, dates the counters in the evidence snapshot as of `at` (as `countOnce` does).
   */
  engaged?: { channel: Channel; at: string };
  updatedAt: string;
}

export interface FeedbackStore {
  find(requestId: string): Promise<FeedbackTarget | undefined>;
  /**
   * Appends the event to the timeline, marks it seen, moves the status and the counter: all of it
   * or none. `false` means the record changed since `find` (the event was seen meanwhile, the
   * status moved or the counter was taken): read again and re-plan.
   */
  record(write: FeedbackWrite): Promise<boolean>;
}

/** Finds the request of a provider message id that the sender stored with its attempt. */
export interface ProviderMessageIndex {
  lookup(channel: Channel, providerMessageId: string): Promise<string | undefined>;
}

export interface ProviderMessage {
  channel: Channel;
  providerMessageId: string;
  requestId: string;
}

/** The orchestrator's side of the index: notes which request each provider message id belongs to. */
export interface ProviderMessageRecorder {
  /** A whole batch's ids at once, so the store can write them in as few requests as it allows. */
  rememberAll(messages: readonly ProviderMessage[], at: Date): Promise<void>;
}

/** Writes consent and address suppressions; each entry carries the plan's `at` and `source`. */
export interface SuppressionWriter {
  apply(customerId: string, plan: SuppressionPlan): Promise<void>;
}

export interface EngagementRecorder {
  record(customerId: string, channel: Channel, delta: EngagementDelta, at: Date): Promise<void>;
}

export interface DeliveredCount {
  customerId: string;
  channel: Channel;
}

/**
 * Sends whose synchronous success is the delivery (push, in-app) have no provider event stream,
 * so the orchestrator counts them itself: a whole batch at once, one `delivered` per entry.
 */
export interface DeliveredRecorder {
  recordDelivered(counts: readonly DeliveredCount[], at: Date): Promise<void>;
}

export type EngagementMetric = 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained';

export type FeedbackTelemetryEvent =
  | { kind: 'engagement'; metric: EngagementMetric; channel: Channel; template?: string }
  | { kind: 'suppression'; reason: SuppressionReason }
  | { kind: 'outcome'; outcome: FeedbackOutcome['outcome']; channel: Channel };

export interface FeedbackTelemetry {
  record(event: FeedbackTelemetryEvent): void;
}

export type FeedbackOutcome =
  | { outcome: 'applied'; requestId: string; status: DeliveryStatus; suppression?: SuppressionReason }
  | { outcome: 'duplicate'; requestId: string }
  /** No delivery record for the event: not ours, or already expired. */
  | { outcome: 'unmatched'; reason: string }
  /** The event names a customer or channel the record does not: never applied. */
  | { outcome: 'mismatch'; requestId: string; reason: string };
