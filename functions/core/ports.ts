/**
 * The ports the core depends on. Interfaces only: adapters in `functions/adapters/` implement
 * them with the AWS SDK, in-memory versions implement them for the CLI and tests.
 */
import type {
  Attempt,
  Category,
  Channel,
  ConsentValue,
  Customer,
  DeliveryRecord,
  DeliveryStatus,
  EscalationState,
  PendingWake,
  Problem,
  PushToken,
  TimelineEvent,
} from './model.js';
import type { LearnedPriors } from './learning/priors.js';
import type { CompiledTemplate, RenderedByChannel } from './templates.js';
import type { TopicRegistry } from './topics.js';
import type { Wake, WakeKind, WakeTarget } from './timing/wake.js';

export interface Clock {
  now(): Date;
}

/** A stored customer record that breaks the contract: the request gets a clear reason, not a crash. */
export interface MalformedCustomer {
  customerId: string;
  malformed: Problem[];
}

export interface CustomerDirectory {
  /** One lookup for a whole batch; unknown ids are simply absent from the map, broken records are reported. */
  getMany(customerIds: readonly string[]): Promise<Map<string, Customer | MalformedCustomer>>;
  /** Attribute-level updates of address status learned while sending (dead or renewed tokens, opted-out numbers). */
  applyAddressChanges(customerId: string, changes: readonly AddressChange[], at: Date): Promise<void>;
}

export type AddressChange =
  { channel: 'push'; token: string; kind: 'token_dead' } | { channel: 'push'; token: string; kind: 'token_renewed'; newToken: string } | { channel: 'sms'; kind: 'opted_out' };

export type ClaimResult =
  /**
   * This worker owns the request until `lease` (epoch ms). `accepted` holds the attempts a provider
   * already accepted under an earlier claim whose finishing writes failed: never send those again.
   */
  | { kind: 'claimed'; lease: number; accepted: Attempt[] }
  /** Already finished: never send twice. */
  | { kind: 'duplicate'; status: DeliveryStatus }
  /** Another worker holds a live lease: report back to the queue and try later. */
  | { kind: 'busy' };

export interface ClaimRequest {
  requestId: string;
  customerId: string;
  template: string;
  createdAt: string;
  now: Date;
  leaseMs: number;
}

export interface ReleaseRequest {
  requestId: string;
  /** The lease this worker's claim wrote; a claim another worker took over since is left alone. */
  lease: number;
  /** Why the request goes back to the queue, kept on the record so a message in the DLQ says why. */
  code: string;
  at: Date;
}

export interface WakeClaimRequest {
  requestId: string;
  token: string;
  kind: WakeKind;
  now: Date;
  leaseMs: number;
}

export type WakeClaimResult =
  /** This worker owns the request until `lease`; `record` is the record as the wake found it. */
  | { kind: 'claimed'; lease: number; record: DeliveryRecord }
  /** The record expects no such wake (fired before, replaced, or the request finished): nothing to do. */
  | { kind: 'stale' }
  /** The same wake is being handled by another worker: report back to the queue and try later. */
  | { kind: 'busy' };

/** An escalation step (or the escalation's end) recorded under a wake's claim, which it lets go. */
export interface EscalationWrite {
  requestId: string;
  lease: number;
  /** Attempts of this step, appended to the record's. */
  attempts: Attempt[];
  /** Every channel sent on so far, the first step's included. */
  channels: Channel[];
  escalation: EscalationState;
  /** The next wake; absent when the escalation has ended. */
  wake?: PendingWake;
  wakes: number;
  /** Appended to the timeline. */
  events: TimelineEvent[];
  at: Date;
}

export interface DeliveryLog {
  claim(claim: ClaimRequest): Promise<ClaimResult>;
  /**
   * Claims a request for the wake that names it, only if the record still expects that very wake
   * (its token) and no live claim holds it. A deferred request becomes ACCEPTED again; a request
   * escalating keeps the status feedback gave it.
   */
  claimWake(claim: WakeClaimRequest): Promise<WakeClaimResult>;
  /** Fails with a retryable error when the claim was lost meanwhile: the step is then not recorded. */
  recordEscalation(write: EscalationWrite): Promise<void>;
  /**
   * Appends an attempt a provider accepted to the claimed record ahead of the final write, so a
   * redelivery of the request finishes the record instead of sending again.
   */
  recordAccepted(requestId: string, attempt: Attempt): Promise<void>;
  /** Writes the outcome of a claimed request: status, channel(s), attempts, decision, timeline. */
  finish(record: DeliveryRecord): Promise<void>;
  /** Gives a claim back after a retryable failure so the next delivery of the message can take it. */
  release(release: ReleaseRequest): Promise<void>;
  /** Records a request rejected before any claim; never overwrites a record that is not REJECTED. */
  reject(record: DeliveryRecord): Promise<void>;
}

/**
 * Arranges wakes: at `due`, a `{ wake }` message reaches the requests queue. Deployed, a wake
 * under 15 minutes away is a delayed queue message and a later one a one-time schedule that
 * deletes itself after firing; locally, a timer. A wake may arrive late, and more than once, but
 * never before `due`.
 */
export interface WakeScheduler {
  /** Idempotent: arranging the same wake (request and token) twice arranges it once. */
  schedule(wake: Wake, now: Date): Promise<void>;
  /** Best effort and idempotent: a wake already fired, cancelled or never arranged is no error. */
  cancel(target: WakeTarget): Promise<void>;
  /**
   * Moves a pending wake to `wake.due`, which is earlier. The wake at the new time is arranged
   * before the old one is cancelled, so a failure in between leaves both (the later one then
   * finds its token spent) and never neither.
   */
  bringForward(wake: Wake, now: Date): Promise<void>;
}

export interface CapLimits {
  perDay?: number;
  perWeek?: number;
}
export interface CapSlot {
  customerId: string;
  channel: Channel;
  category: Category;
  /** The time the slot was taken: it names the day and week the slot was counted in. */
  now: Date;
}

export interface FrequencyCounter {
  /**
   * Atomically counts one send for customer × channel × category unless that would exceed a
   * limit; `allowed: false` means the cap is reached and nothing was counted.
   */
  tryConsume(input: CapSlot & { limits: CapLimits }): Promise<{ allowed: boolean }>;
  /** Gives back a slot taken for a send no provider accepted; never takes a count below zero. */
  refund(slot: CapSlot): Promise<void>;
}

/** The learned priors as last stored; `undefined` when there are none, or none that can be trusted. */
export interface PriorsSource {
  current(): Promise<LearnedPriors | undefined>;
}

/** Keeps the one current set of learned priors, replacing the one before. */
export interface PriorsStore {
  save(priors: LearnedPriors): Promise<void>;
}

/** What a bounded read of the delivery records came to. */
export interface SampleSummary {
  /** Items read, the ones outside the window included. */
  read: number;
  /** False when the bound stopped the read before the end of the records. */
  complete: boolean;
}

/**
 * Reads delivery records for learning: those created at or after `since`, each handed to `visit`
 * as stored (only the attributes learning needs). Reads at most `maxItems` items, in no
 * particular order, so a large table gives a sample rather than every record.
 */
export interface DeliverySample {
  read(since: Date, maxItems: number, visit: (item: Record<string, unknown>) => void): Promise<SampleSummary>;
}

export interface TemplateStore {
  get(templateId: string): CompiledTemplate | undefined;
  ids(): string[];
  /** The topic registry built with the templates; absent only from a bundle built without one. */
  topics(): TopicRegistry | undefined;
}

export interface OutboundEnvelope {
  requestId: string;
  customerId: string;
  template: string;
  category: Category;
  topic: string;
}
export interface OutboundByChannel {
  email: OutboundEnvelope & { to: string; content: RenderedByChannel['email'] };
  sms: OutboundEnvelope & { to: string; content: RenderedByChannel['sms'] };
  push: OutboundEnvelope & { tokens: PushToken[]; content: RenderedByChannel['push'] };
  in_app: OutboundEnvelope & {
    content: RenderedByChannel['in_app'];
    /** Keys the inbox entry: the request's own time, the same on every redelivery. */
    at: Date;
    /** When it is sent: retention (and so visibility) counts from here, however old `at` is. Absent: `at`. */
    sentAt?: Date;
  };
}
export type OutboundMessage<C extends Channel = Channel> = OutboundByChannel[C];

/** Provider results mapped to our own vocabulary inside each adapter. */
export type SendResult =
  | { outcome: 'SENT'; providerMessageId?: string; addressChanges?: AddressChange[] }
  | { outcome: 'FAILED_RETRYABLE'; code: string; message: string; addressChanges?: AddressChange[] }
  | { outcome: 'FAILED_PERMANENT'; code: string; message: string; addressChanges?: AddressChange[] };

export interface ChannelSender<C extends Channel = Channel> {
  readonly channel: C;
  send(message: OutboundMessage<C>): Promise<SendResult>;
}
export type Senders = { [C in Channel]?: ChannelSender<C> };

export type TelemetryEvent =
  | {
      kind: 'outcome';
      status: OrchestrationStatus;
      template?: string;
      channel?: Channel;
      /** Exclusion reason, error code or problem summary; never personal data. */
      reason?: string;
      /** From the request's `createdAt` to the provider call, when it was sent. */
      latencyMs?: number;
    }
  | { kind: 'attempt'; channel: Channel; attempt: Attempt['outcome']; code?: string }
  /** Bookkeeping after a send (address changes, engagement, provider id) could not be written; the send itself stands. */
  | { kind: 'follow_up_failed'; step: 'address_changes' | 'engagement' | 'provider_message' | 'cap_refund'; code: string }
  /** A provider accepted a message and no write could record it: a redelivery may send it again. */
  | { kind: 'unrecorded_send'; channel: Channel; code: string };

/** Time left in this invocation; work that cannot finish before it ends goes back to the queue. */
export interface TimeBudget {
  remainingMs(): number;
}

/**
 * Runs a write again on retryable errors, within the invocation. Used for the writes after a
 * provider accepted a message, where a redelivery would otherwise mean sending twice.
 */
export interface WriteRetry {
  run<T>(work: () => Promise<T>): Promise<T>;
}

export interface Telemetry {
  record(event: TelemetryEvent): void;
  /** Publishes what was recorded, for implementations that gather a batch's metrics first. */
  flush?(): void;
}

export type OrchestrationStatus = 'SENT' | 'SUPPRESSED' | 'EXPIRED' | 'REJECTED' | 'RENDER_FAILED' | 'FAILED' | 'DUPLICATE' | 'RETRY' | 'DEFERRED' | 'ESCALATED';

/**
 * One consent decision with its provenance. `topic` is a registry topic or `"*"` (every topic on
 * the channel); `source` says who made it (`preference_centre`, `api:<caller>`, `one_click`, …).
 */
export interface ConsentChange {
  channel: Channel;
  topic: string;
  value: ConsentValue;
  source: string;
  /** ISO 8601; an older change never overwrites a newer one already on the record. */
  updatedAt: string;
}

export interface ConsentWriteResult {
  /** Written to the record. */
  applied: ConsentChange[];
  /** Left out: the record already holds a newer decision for that channel and topic. */
  stale: ConsentChange[];
}

export interface ConsentWriter {
  /** Fails with a PermanentError coded `UNKNOWN_CUSTOMER` when there is no such customer. */
  apply(customerId: string, changes: readonly ConsentChange[]): Promise<ConsentWriteResult>;
}

/** What a signed link lets its holder do, for whom, until when (`expiresAt`: epoch milliseconds). */
export type LinkClaims =
  { purpose: 'unsubscribe'; customerId: string; requestId: string; topic: string; expiresAt: number } | { purpose: 'preferences'; customerId: string; expiresAt: number };

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  /** `MALFORMED`, `BAD_SIGNATURE`, `UNKNOWN_KEY`, `EXPIRED`, `WRONG_PURPOSE`, `NOT_CONFIGURED`. */
  | { ok: false; code: string };

/** Signs and checks the links put in messages; the keys live outside the core. */
export interface LinkSigner {
  sign(claims: LinkClaims): Promise<string>;
  verify(token: string, purpose: LinkClaims['purpose'], now: Date): Promise<LinkCheck>;
}
