/**
 * The ports the core depends on. Interfaces only: adapters in `functions/adapters/` implement
 * them with the AWS SDK, in-memory versions implement them for the CLI and tests.
 */
import type { Attempt, Category, Channel, Customer, DeliveryRecord, DeliveryStatus, PushToken } from './model.js';
import type { CompiledTemplate, RenderedByChannel } from './templates.js';

export interface Clock {
  now(): Date;
}

export interface CustomerDirectory {
  /** One lookup for a whole batch; unknown ids are simply absent from the map. */
  getMany(customerIds: readonly string[]): Promise<Map<string, Customer>>;
  /** Attribute-level updates of address status learned while sending (dead or renewed tokens, opted-out numbers). */
  applyAddressChanges(customerId: string, changes: readonly AddressChange[], at: Date): Promise<void>;
}

export type AddressChange =
  | { channel: 'push'; token: string; kind: 'token_dead' }
  | { channel: 'push'; token: string; kind: 'token_renewed'; newToken: string }
  | { channel: 'sms'; kind: 'opted_out' };

export type ClaimResult =
  /** This worker owns the request until `leaseUntil`. */
  | { kind: 'claimed' }
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

export interface DeliveryLog {
  claim(claim: ClaimRequest): Promise<ClaimResult>;
  /** Writes the outcome of a claimed request: status, channel(s), attempts, decision, timeline. */
  finish(record: DeliveryRecord): Promise<void>;
  /** Gives a claim back after a retryable failure so the next delivery of the message can take it. */
  release(requestId: string): Promise<void>;
  /** Records a request rejected before any claim; never overwrites a record that is not REJECTED. */
  reject(record: DeliveryRecord): Promise<void>;
}

export interface CapLimits {
  perDay?: number;
  perWeek?: number;
}
export interface FrequencyCounter {
  /**
   * Atomically counts one send for customer × channel × category unless that would exceed a
   * limit; `allowed: false` means the cap is reached and nothing was counted.
   */
  tryConsume(input: { customerId: string; channel: Channel; category: Category; now: Date; limits: CapLimits }): Promise<{
    allowed: boolean;
  }>;
}

export interface TemplateStore {
  get(templateId: string): CompiledTemplate | undefined;
  ids(): string[];
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
  in_app: OutboundEnvelope & { content: RenderedByChannel['in_app']; at: Date };
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
  | { kind: 'follow_up_failed'; step: 'address_changes' | 'engagement' | 'provider_message'; code: string };

export interface Telemetry {
  record(event: TelemetryEvent): void;
  /** Publishes what was recorded, for implementations that gather a batch's metrics first. */
  flush?(): void;
}

export type OrchestrationStatus =
  | 'SENT'
  | 'SUPPRESSED'
  | 'EXPIRED'
  | 'REJECTED'
  | 'RENDER_FAILED'
  | 'FAILED'
  | 'DUPLICATE'
  | 'RETRY';
