/**
 * The shared vocabulary of Switchboard: channels, the customer record and the delivery record
 * as docs/customer-record.md and docs/delivery-record.md describe them. Other systems read and
 * write these shapes; change them only through a versioned contract change.
 */
export const CHANNELS = ['push', 'sms', 'email', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = ['transactional', 'marketing'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SURFACES = ['app', 'web', 'store', 'offline'] as const;
export type Surface = (typeof SURFACES)[number];

/** The first channel a customer's profile names as preferred, or `none`. */
export const STATED_PREFERENCES = [...CHANNELS, 'none'] as const;
export type StatedPreference = (typeof STATED_PREFERENCES)[number];

export const ADDRESS_STATUSES = ['active', 'suppressed'] as const;
export type AddressStatus = (typeof ADDRESS_STATUSES)[number];
export const SUPPRESSION_REASONS = ['bounced', 'complained', 'invalid', 'opted_out'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface AddressState {
  status?: AddressStatus;
  reason?: SuppressionReason;
  updatedAt?: string;
}
export interface EmailAddress extends AddressState {
  address: string;
}
export interface PhoneAddress extends AddressState {
  number: string;
}
/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{7,14}$/;
export const PUSH_PLATFORMS = ['APNS', 'APNS_SANDBOX', 'GCM'] as const;
export type PushPlatform = (typeof PUSH_PLATFORMS)[number];
export interface PushToken extends AddressState {
  token: string;
  platform: PushPlatform;
}

export const CONSENT_VALUES = ['opt_in', 'opt_out'] as const;
export type ConsentValue = (typeof CONSENT_VALUES)[number];
export type ConsentEntry = ConsentValue | { value: ConsentValue; updatedAt?: string; source?: string };
/** Per channel, per topic; the topic `"*"` means every topic. */
export type ConsentBook = Partial<Record<Channel, Record<string, ConsentEntry>>>;

/** Counters kept per customer and channel under `engagement.<channel>`; scoring reads them. */
export const ENGAGEMENT_COUNTERS = ['sent', 'delivered', 'opened', 'clicked', 'bounced'] as const;
export type EngagementCounter = (typeof ENGAGEMENT_COUNTERS)[number];
/**
 * Faded evidence as of `at`: `delivered` and `engaged` sums where a message counts half after one
 * learning half-life, and the counters they had folded in. Written with each engagement.
 */
export interface EvidenceSnapshot {
  at: string;
  delivered: number;
  engaged: number;
  countedDelivered: number;
  countedEngaged: number;
}
export type ChannelEngagement = Partial<Record<EngagementCounter, number>> & { lastEngagedAt?: string; recent?: EvidenceSnapshot };

export interface QuietHours {
  /** `HH:MM` in the customer's time zone. */
  start: string;
  end: string;
}

export interface StoredContext {
  surface?: Surface;
  storeId?: string | null;
  sessionActiveUntil?: string | null;
  observedAt?: string;
}

/** One customer's record in the customers table: every field, and who writes it, in docs/customer-record.md. */
export interface Customer {
  customerId: string;
  locale?: string;
  timeZone?: string;
  attributes?: Record<string, unknown>;
  email?: EmailAddress;
  phone?: PhoneAddress;
  push?: PushToken[];
  inApp?: { enabled: boolean };
  consent?: ConsentBook;
  preferences?: { preferredChannels?: Channel[]; quietHours?: QuietHours };
  engagement?: Partial<Record<Channel, ChannelEngagement>>;
  context?: StoredContext;
}

/** `SEND_WINDOW` came later than the rest: a list only ever grows, so readers of older records are unaffected. */
export const EXCLUSION_REASONS = [
  'NO_CONSENT',
  'OPTED_OUT',
  'NO_ADDRESS',
  'ADDRESS_SUPPRESSED',
  'QUIET_HOURS',
  'FREQUENCY_CAP',
  'NOT_IN_TEMPLATE',
  'NOT_ALLOWED',
  'SEND_WINDOW',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** `exploration` came later: a list only ever grows. */
export const SCORE_COMPONENTS = ['context', 'preference', 'engagement', 'urgency', 'cost', 'exploration'] as const;
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number];

export interface RankedChannel {
  channel: Channel;
  score: number;
  /** Human-readable, one line per component that moved the score, e.g. "context +0.40: in store". */
  reasons: string[];
  /** Weighted contribution per component; a stored record leaves out the zeros to stay small. */
  components: Partial<Record<ScoreComponent, number>>;
}
export interface ExcludedChannel {
  channel: Channel;
  reason: ExclusionReason;
  detail?: string;
}
/** Why the message goes now, later or not at all, when time had a say (quiet hours, a send window, `sendAt`). */
export interface TimingNote {
  outcome: 'send_now' | 'defer' | 'expire' | 'none';
  /** For `defer` and `expire`: what held the message back. */
  reason?: 'QUIET_HOURS' | 'SEND_WINDOW' | 'SCHEDULED' | 'PAST_EXPIRES_AT';
  /** For `defer`: when it is decided again. */
  until?: string;
  /** For `defer`: the channel waited for (it is chosen again when the wait ends). */
  channel?: Channel;
  reasons: string[];
}

export interface Decision {
  ranked: RankedChannel[];
  excluded: ExcludedChannel[];
  /** Where the customer was when this was decided, when known: what the learned priors are counted by. */
  moment?: Surface;
  /** The channel the customer's profile named first when this was decided (`none`): the learned priors are counted by it too. */
  preferred?: StatedPreference;
  /** Present when a channel was closed by the clock or the request named `sendAt`. */
  timing?: TimingNote;
}

export const STRATEGIES = ['best', 'failover', 'all', 'escalate'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const PRIORITIES = ['high', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const DELIVERY_STATUSES = [
  'ACCEPTED',
  'SENT',
  'DELIVERED',
  'OPENED',
  'CLICKED',
  'SUPPRESSED',
  'EXPIRED',
  'REJECTED',
  'RENDER_FAILED',
  'FAILED',
  'BOUNCED',
  'COMPLAINED',
  'DEFERRED',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface TimelineEvent {
  status: DeliveryStatus;
  at: string;
  channel?: Channel;
  /** Provider event type or short explanation, e.g. "BOUNCE Permanent/General". */
  detail?: string;
  /** De-duplicates provider events delivered more than once. */
  eventId?: string;
}

export type AttemptOutcome = 'SENT' | 'FAILED_RETRYABLE' | 'FAILED_PERMANENT';
export interface Attempt {
  channel: Channel;
  at: string;
  outcome: AttemptOutcome;
  providerMessageId?: string;
  error?: { code: string; message: string };
}

export interface Problem {
  /** Dotted field path, `""` for the whole message. */
  path: string;
  message: string;
}

/** One message of an escalation, in the order sent; `reason` says why this channel at this step. */
export interface EscalationStep {
  channel: Channel;
  sentAt: string;
  reason: string;
}

export const ESCALATION_STOPS = ['engaged', 'expired', 'no_channel_left', 'wake_failed', 'complained'] as const;
export type EscalationStop = (typeof ESCALATION_STOPS)[number];

export interface EscalationState {
  /** How long each step is given to be opened, read or clicked before the next channel. */
  afterMs: number;
  steps: EscalationStep[];
  /** When the next step is looked at, while the escalation runs. */
  nextAt?: string;
  stopped?: { cause: EscalationStop; reason: string; at: string };
}

/** The one wake a record expects: a wake message with another token is stale and claims nothing. */
export interface PendingWake {
  token: string;
  kind: 'deferral' | 'escalation';
  due: string;
}

export interface DeliveryRecord {
  requestId: string;
  customerId: string;
  template?: string;
  category?: Category;
  topic?: string;
  strategy?: Strategy;
  status: DeliveryStatus;
  channel?: Channel;
  channels?: Channel[];
  attempts: Attempt[];
  decision?: Decision;
  timeline: TimelineEvent[];
  problems?: Problem[];
  /** While a request waits in the queue for another try: why the last try gave it back, and how often. */
  lastRetry?: { code: string; at: string };
  retries?: number;
  /** While `DEFERRED`: when the request is decided again. */
  deferredUntil?: string;
  /** Under strategy `escalate`: the steps so far and how the escalation ended. */
  escalation?: EscalationState;
  /** While a deferral or an escalation waits: the wake that will resume it. */
  wake?: PendingWake;
  /** Wakes arranged so far; numbers each wake's token. */
  wakes?: number;
  /**
   * While a deferral or an escalation waits: the request as admitted, so it can be decided again
   * without the queue message. Dropped once nothing waits.
   */
  request?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
