import { codeOf } from './errors.js';
import type { DeliveredCount, DeliveredRecorder, ProviderMessage, ProviderMessageRecorder } from './feedback/ports.js';
import type { DecisionConfig } from './config.js';
import type { MessageRenderer } from './deliver.js';
import type { LearnedPriors } from './learning/priors.js';
import type { Attempt, Channel, DeliveryRecord } from './model.js';
import type {
  AddressChange,
  CapSlot,
  Clock,
  CustomerDirectory,
  DeliveryLog,
  FrequencyCounter,
  OrchestrationStatus,
  PriorsSource,
  Senders,
  Telemetry,
  TemplateStore,
  WakeScheduler,
  WriteRetry,
} from './ports.js';
import type { SendRequest } from './request.js';
import type { WakeKind } from './timing/wake.js';

export interface OrchestratorDeps {
  customers: CustomerDirectory;
  deliveries: DeliveryLog;
  counter: FrequencyCounter;
  templates: TemplateStore;
  senders: Senders;
  renderer: MessageRenderer;
  telemetry: Telemetry;
  clock: Clock;
  decisionConfig: DecisionConfig;
  /** How long a claim protects a request from a second worker; longer than one invocation. */
  leaseMs: number;
  /** Push and in-app have no delivery events, so their sends count as delivered here; optional for dry runs. */
  engagement?: DeliveredRecorder;
  /** SMS delivery logs name only the provider's message id; remembered so feedback finds the request. */
  providerMessages?: ProviderMessageRecorder;
  /** Requests of one batch handled at once; bounded so a large batch cannot exhaust sockets. */
  concurrency: number;
  /** Retries, within the invocation, the writes that follow a provider's acceptance; absent: one try. */
  writeRetry?: WriteRetry;
  /** Time an invocation must have left to render, send and record one more channel. */
  reserveMs?: number;
  /** Receives of a message before the queue moves it to the DLQ; absent: never a last try. */
  maxReceives?: number;
  /** Wakes deferred requests and escalation steps by putting a message on the requests queue when due. */
  scheduler: WakeScheduler;
  /** The population's learned engagement per channel and moment, read once per batch; absent: the configured priors. */
  priors?: PriorsSource;
}

/** Enough for the longest render the engine allows, a provider call and the finishing writes. */
export const DEFAULT_RESERVE_MS = 5_000;

export interface InboundMessage {
  /** The queue's id for the message; names the record of a request too broken to carry its own id. */
  messageId: string;
  body: unknown;
  /** How many times the queue has delivered this message, this time included. */
  receiveCount?: number;
}

export interface Outcome {
  messageId: string;
  requestId: string;
  status: OrchestrationStatus;
  channels: Channel[];
  reason?: string;
}

export interface Claimed {
  messageId: string;
  lastTry: boolean;
  request: SendRequest;
  lease: number;
  /** What a provider accepted under an earlier claim: those channels are never sent again. */
  accepted: Attempt[];
  /** Wakes arranged for this request so far; the next one's token counts on from here. */
  wakes: number;
  /** Set when a wake claimed the request: which kind, and the record as it stood. */
  woken?: { kind: WakeKind; record: DeliveryRecord };
}

/** Bookkeeping gathered while a batch is sent and written at its end, in batched requests. */
export interface Bookkeeping {
  delivered: DeliveredCount[];
  providerMessages: ProviderMessage[];
}

/** Learned priors are a refinement: when they cannot be read, the configured ones decide and the batch goes on. */
export async function currentPriors(deps: OrchestratorDeps): Promise<LearnedPriors | undefined> {
  try {
    return await deps.priors?.current();
  } catch {
    return undefined;
  }
}

/** False when no write could record it: then only the final record can still tell. */
export async function recordAccepted(item: Claimed, attempt: Attempt, deps: OrchestratorDeps): Promise<boolean> {
  try {
    await retrying(deps, () => deps.deliveries.recordAccepted(item.request.requestId, attempt));
    return true;
  } catch {
    return false;
  }
}

export async function refund(slot: CapSlot, deps: OrchestratorDeps): Promise<void> {
  await followUp('cap_refund', deps, () => retrying(deps, () => deps.counter.refund(slot)));
}

/**
 * Finishes a record after a provider accepted, retrying the write in process. If it still fails,
 * the accepted attempts alone (a small write) are stored instead and the request goes back to the
 * queue: its redelivery finishes the record without sending. Only when neither write lands is the
 * claim kept until its lease lapses: the one window in which a message can go out twice.
 */
export async function finishSent(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, unpersisted: Attempt[]): Promise<Outcome> {
  try {
    await retrying(deps, () => deps.deliveries.finish(record));
    return outcomeOf(record, item, deps, 'SENT');
  } catch (error) {
    const code = codeOf(error);
    const unrecorded: Attempt[] = [];
    for (const attempt of unpersisted) if (!(await recordAccepted(item, attempt, deps))) unrecorded.push(attempt);
    if (unrecorded.length === 0) return retry(item, deps, code);
    for (const attempt of unrecorded) deps.telemetry.record({ kind: 'unrecorded_send', channel: attempt.channel, code });
    return report(deps, { messageId: item.messageId, requestId: item.request.requestId, status: 'RETRY', channels: [], reason: code }, item.request.template);
  }
}

export function retrying<T>(deps: OrchestratorDeps, work: () => Promise<T>): Promise<T> {
  return deps.writeRetry ? deps.writeRetry.run(work) : work();
}

/**
 * Address changes learned while sending (a dead token, a STOP), once the outcome is recorded and
 * best effort: failing to note one must not send the request back to the queue, which would send
 * it twice. They are rare, so each is written as it happens rather than with the batch's bookkeeping.
 */
export async function recordAddressChanges(record: DeliveryRecord, changes: AddressChange[], deps: OrchestratorDeps, now: Date): Promise<void> {
  await followUp('address_changes', deps, () => deps.customers.applyAddressChanges(record.customerId, changes, now), changes.length > 0);
}

export function noteSends(record: DeliveryRecord, books: Bookkeeping): void {
  for (const attempt of record.attempts) {
    if (attempt.outcome !== 'SENT') continue;
    if (attempt.channel === 'sms' && attempt.providerMessageId) {
      books.providerMessages.push({ channel: 'sms', providerMessageId: attempt.providerMessageId, requestId: record.requestId });
    }
    // Push and in-app have no delivery events: the provider's synchronous success is the delivery.
    if (attempt.channel === 'push' || attempt.channel === 'in_app') {
      books.delivered.push({ customerId: record.customerId, channel: attempt.channel });
    }
  }
}

/** Once per batch, so the counts and ids of many messages share a few requests instead of one write each. */
export async function writeBookkeeping(books: Bookkeeping, deps: OrchestratorDeps): Promise<void> {
  const { engagement, providerMessages } = deps;
  const now = deps.clock.now();
  await Promise.all([
    providerMessages && followUp('provider_message', deps, () => providerMessages.rememberAll(books.providerMessages, now), books.providerMessages.length > 0),
    engagement && followUp('engagement', deps, () => engagement.recordDelivered(books.delivered, now), books.delivered.length > 0),
  ]);
}

export async function followUp(
  step: 'address_changes' | 'engagement' | 'provider_message' | 'cap_refund',
  deps: OrchestratorDeps,
  work: () => Promise<void>,
  needed = true,
): Promise<void> {
  if (!needed) return;
  try {
    await work();
  } catch (error) {
    deps.telemetry.record({ kind: 'follow_up_failed', step, code: codeOf(error) });
  }
}

export async function finish(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, status: OrchestrationStatus, reason?: string): Promise<Outcome> {
  await deps.deliveries.finish(record);
  return outcomeOf(record, item, deps, status, reason);
}

export function outcomeOf(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, status: OrchestrationStatus, reason?: string): Outcome {
  const channels = record.channels ?? (record.channel && status === 'SENT' ? [record.channel] : []);
  const createdAt = item.request.createdAt ? Date.parse(item.request.createdAt) : undefined;
  const latencyMs = status === 'SENT' && createdAt !== undefined ? deps.clock.now().getTime() - createdAt : undefined;
  return report(deps, { messageId: item.messageId, requestId: record.requestId, status, channels, ...(reason ? { reason } : {}) }, record.template, latencyMs);
}

export async function retry(item: Claimed, deps: OrchestratorDeps, code: string): Promise<Outcome> {
  // Best effort: a release that fails leaves the claim to lapse with its lease.
  await deps.deliveries.release({ requestId: item.request.requestId, lease: item.lease, code, at: deps.clock.now() }).catch(() => undefined);
  return report(deps, { messageId: item.messageId, requestId: item.request.requestId, status: 'RETRY', channels: [], reason: code }, item.request.template);
}

/**
 * Any error on one request sends only that request back to the queue, its code noted on the
 * record: a passing fault gets another try, and a lasting one ends in the DLQ saying why.
 */
export async function guarded(item: Claimed, deps: OrchestratorDeps, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    return retry(item, deps, codeOf(error));
  }
}

export function report(deps: OrchestratorDeps, outcome: Outcome, template?: string, latencyMs?: number): Outcome {
  deps.telemetry.record({
    kind: 'outcome',
    status: outcome.status,
    ...(template ? { template } : {}),
    ...(outcome.channels[0] ? { channel: outcome.channels[0] } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
  });
  return outcome;
}
