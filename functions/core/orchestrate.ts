import { mapWithConcurrency } from './concurrency.js';
import type { DecisionConfig } from './config.js';
import { decide, messageClass } from './decide.js';
import { type DeliverResult, deliver, type MessageRenderer } from './deliver.js';
import { codeOf } from './errors.js';
import { addressChangeEvents } from './feedback/address-changes.js';
import type { DeliveredCount, DeliveredRecorder, ProviderMessage, ProviderMessageRecorder } from './feedback/ports.js';
import type { Attempt, Channel, Customer, DeliveryRecord } from './model.js';
import type {
  AddressChange,
  CapSlot,
  Clock,
  CustomerDirectory,
  DeliveryLog,
  FrequencyCounter,
  MalformedCustomer,
  OrchestrationStatus,
  Senders,
  Telemetry,
  TemplateStore,
  TimeBudget,
  WriteRetry,
} from './ports.js';
import { acceptedRecord, fallbackRequestId, finishedRecord, rejectedRecord, summarizeProblems } from './records.js';
import { type ParseResult, parseSendRequest, type SendRequest } from './request.js';
import { isMalformedCustomer } from './customer-record.js';
import { checkMessageClass } from './message-class.js';

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

interface Claimed {
  messageId: string;
  lastTry: boolean;
  request: SendRequest;
  lease: number;
  /** What a provider accepted under an earlier claim: those channels are never sent again. */
  accepted: Attempt[];
}

/** Bookkeeping gathered while a batch is sent and written at its end, in batched requests. */
interface Bookkeeping {
  delivered: DeliveredCount[];
  providerMessages: ProviderMessage[];
}

/**
 * The orchestrate use case for one batch: validate, claim (idempotency), drop expired moments,
 * read every customer of the batch in one lookup, then decide, render, send and record each
 * request. Returns one outcome per message; `RETRY` outcomes must go back to the queue.
 */
export async function orchestrateBatch(messages: readonly InboundMessage[], deps: OrchestratorDeps, budget?: TimeBudget): Promise<Outcome[]> {
  try {
    return await orchestrate(messages, deps, budget);
  } finally {
    deps.telemetry.flush?.();
  }
}

async function orchestrate(messages: readonly InboundMessage[], deps: OrchestratorDeps, budget?: TimeBudget): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  const claimed: Claimed[] = [];

  await mapWithConcurrency(messages, deps.concurrency, async (message) => {
    const admitted = await admit(message, deps);
    if ('status' in admitted) outcomes.set(message.messageId, admitted);
    else claimed.push(admitted);
  });

  const live = await dropExpired(claimed, deps, outcomes);
  const customers = await lookupCustomers(live, deps, outcomes);
  const books: Bookkeeping = { delivered: [], providerMessages: [] };
  try {
    await mapWithConcurrency(live, deps.concurrency, async (item) => {
      if (outcomes.has(item.messageId)) return;
      const customer = customers.get(item.request.customerId);
      outcomes.set(item.messageId, await guarded(item, deps, () => decideAndSend(item, customer, deps, books, budget)));
    });
  } finally {
    // What was sent before an unexpected error is still counted; these writes never throw.
    await writeBookkeeping(books, deps);
  }

  return messages.map((m) => outcomes.get(m.messageId) as Outcome);
}

/**
 * Rejects what cannot be processed and claims the rest. Whatever goes wrong here, even a REJECTED
 * record that cannot be written, sends only this message back to the queue, never its batch.
 */
async function admit(message: InboundMessage, deps: OrchestratorDeps): Promise<Outcome | Claimed> {
  const parsed = parseSafely(message.body);
  const requestId = parsed.ok ? parsed.request.requestId : (parsed.requestId ?? fallbackRequestId(message.messageId));
  try {
    return await claimOrReject(message, parsed, requestId, deps);
  } catch (error) {
    return report(deps, { messageId: message.messageId, requestId, status: 'RETRY', channels: [], reason: codeOf(error) });
  }
}

/** The parser promises never to throw; this keeps a broken promise from taking the batch with it. */
function parseSafely(body: unknown): ParseResult {
  try {
    return parseSendRequest(body);
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `the request could not be parsed (${codeOf(error)})` }] };
  }
}

async function claimOrReject(message: InboundMessage, parsed: ParseResult, requestId: string, deps: OrchestratorDeps): Promise<Outcome | Claimed> {
  const now = deps.clock.now();
  if (!parsed.ok) {
    await deps.deliveries.reject(rejectedRecord({ requestId, customerId: parsed.customerId, problems: parsed.problems, at: now }));
    return report(deps, { messageId: message.messageId, requestId, status: 'REJECTED', channels: [], reason: 'INVALID_REQUEST' });
  }
  const { request } = parsed;
  const template = deps.templates.get(request.template);
  if (!template) {
    const problems = [{ path: 'template', message: `unknown template "${request.template}"` }];
    await deps.deliveries.reject(rejectedRecord({ ...request, problems, at: now }));
    return report(deps, { messageId: message.messageId, requestId, status: 'REJECTED', channels: [], reason: 'UNKNOWN_TEMPLATE' }, request.template);
  }
  const messageClass = checkMessageClass(request, template.manifest, deps.templates.topics());
  if (!messageClass.ok) {
    await deps.deliveries.reject(rejectedRecord({ ...request, problems: messageClass.problems, at: now }));
    return report(deps, { messageId: message.messageId, requestId, status: 'REJECTED', channels: [], reason: 'INVALID_MESSAGE_CLASS' }, request.template);
  }
  const claim = await deps.deliveries.claim({
    requestId,
    customerId: request.customerId,
    template: request.template,
    createdAt: request.createdAt ?? now.toISOString(),
    now,
    leaseMs: deps.leaseMs,
  });
  if (claim.kind === 'claimed') {
    const lastTry = deps.maxReceives !== undefined && (message.receiveCount ?? 1) >= deps.maxReceives;
    return { messageId: message.messageId, request, lease: claim.lease, accepted: claim.accepted, lastTry };
  }
  const status = claim.kind === 'duplicate' ? 'DUPLICATE' : 'RETRY';
  const reason = claim.kind === 'duplicate' ? `already ${claim.status}` : 'IN_PROGRESS_ELSEWHERE';
  return report(deps, { messageId: message.messageId, requestId, status, channels: [], reason }, request.template);
}

async function dropExpired(claimed: Claimed[], deps: OrchestratorDeps, outcomes: Map<string, Outcome>): Promise<Claimed[]> {
  const now = deps.clock.now();
  // A request a provider already accepted is finished as sent, however late its redelivery.
  const expired = claimed.filter(({ request, accepted }) => accepted.length === 0 && request.expiresAt !== undefined && Date.parse(request.expiresAt) <= now.getTime());
  await mapWithConcurrency(expired, deps.concurrency, async (item) => {
    const record = finishedRecord(item.request, {}, { status: 'EXPIRED', sentChannels: [], attempts: [], detail: `expired at ${item.request.expiresAt}` }, now);
    outcomes.set(item.messageId, await guarded(item, deps, () => finish(record, item, deps, 'EXPIRED', 'PAST_EXPIRES_AT')));
  });
  const gone = new Set(expired);
  return claimed.filter((item) => !gone.has(item));
}

async function lookupCustomers(live: Claimed[], deps: OrchestratorDeps, outcomes: Map<string, Outcome>): Promise<Map<string, Customer | MalformedCustomer>> {
  if (live.length === 0) return new Map();
  try {
    return await deps.customers.getMany([...new Set(live.map((item) => item.request.customerId))]);
  } catch (error) {
    await Promise.all(live.map(async (item) => outcomes.set(item.messageId, await retry(item, deps, codeOf(error)))));
    return new Map();
  }
}

async function decideAndSend(
  item: Claimed,
  customer: Customer | MalformedCustomer | undefined,
  deps: OrchestratorDeps,
  books: Bookkeeping,
  budget: TimeBudget | undefined,
): Promise<Outcome> {
  const { request } = item;
  const now = deps.clock.now();
  const unusable = !customer || isMalformedCustomer(customer);
  // Sent under an earlier claim and nothing more to send: finish the record, send nothing.
  if (item.accepted.length > 0 && (unusable || request.strategy !== 'all')) {
    return finishSent(acceptedRecord(request, item.accepted, now), item, deps, []);
  }
  if (!customer) {
    const problems = [{ path: 'customerId', message: `no customer record for "${request.customerId}"` }];
    const record = finishedRecord(request, {}, { status: 'REJECTED', sentChannels: [], attempts: [], problems, detail: summarizeProblems(problems) }, now);
    return finish(record, item, deps, 'REJECTED', 'UNKNOWN_CUSTOMER');
  }
  if (isMalformedCustomer(customer)) {
    const problems = customer.malformed.map((p) => ({ path: p.path ? `customer.${p.path}` : 'customer', message: p.message }));
    const detail = `the customer record is malformed: ${summarizeProblems(problems)}`;
    const record = finishedRecord(request, {}, { status: 'FAILED', sentChannels: [], attempts: [], problems, detail, reasonCode: 'MALFORMED_CUSTOMER' }, now);
    return finish(record, item, deps, 'FAILED', 'MALFORMED_CUSTOMER');
  }
  const template = deps.templates.get(request.template);
  if (!template) throw new Error(`template ${request.template} vanished after admission`);
  const { category, topic } = messageClass(request, template.manifest);
  const decision = decide({ request, customer, manifest: template.manifest, now }, deps.decisionConfig);
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const result: DeliverResult = await deliver(
    { request, customer, template, decision, category, topic, now, accepted: item.accepted, lastTry: item.lastTry },
    {
      senders: deps.senders,
      counter: deps.counter,
      renderer: deps.renderer,
      decisionConfig: deps.decisionConfig,
      recordAccepted: (attempt) => recordAccepted(item, attempt, deps),
      refund: (slot) => refund(slot, deps),
      hasTimeFor: () => budget === undefined || budget.remainingMs() >= reserveMs,
    },
  );
  if (result.kind === 'retry') {
    await followUp('address_changes', deps, () => deps.customers.applyAddressChanges(customer.customerId, result.addressChanges, now), result.addressChanges.length > 0);
    return retry(item, deps, result.code);
  }
  for (const attempt of result.state.attempts.slice(item.accepted.length)) {
    deps.telemetry.record({ kind: 'attempt', channel: attempt.channel, attempt: attempt.outcome, ...(attempt.error ? { code: attempt.error.code } : {}) });
  }
  const record = finishedRecord(request, { category, topic }, result.state, now);
  record.timeline.push(...addressChangeEvents(result.addressChanges, record.status, record.updatedAt));
  if (result.state.sentChannels.length === 0) {
    const outcome = await finish(record, item, deps, result.state.status as OrchestrationStatus, result.state.reasonCode);
    await recordAddressChanges(record, result.addressChanges, deps, now);
    return outcome;
  }
  const outcome = await finishSent(record, item, deps, result.unpersisted);
  await recordAddressChanges(record, result.addressChanges, deps, now);
  noteSends(record, books);
  return outcome;
}

/** False when no write could record it: then only the final record can still tell. */
async function recordAccepted(item: Claimed, attempt: Attempt, deps: OrchestratorDeps): Promise<boolean> {
  try {
    await retrying(deps, () => deps.deliveries.recordAccepted(item.request.requestId, attempt));
    return true;
  } catch {
    return false;
  }
}

async function refund(slot: CapSlot, deps: OrchestratorDeps): Promise<void> {
  await followUp('cap_refund', deps, () => retrying(deps, () => deps.counter.refund(slot)));
}

/**
 * Finishes a record after a provider accepted, retrying the write in process. If it still fails,
 * the accepted attempts alone (a small write) are stored instead and the request goes back to the
 * queue: its redelivery finishes the record without sending. Only when neither write lands is the
 * claim kept until its lease lapses: the one window in which a message can go out twice.
 */
async function finishSent(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, unpersisted: Attempt[]): Promise<Outcome> {
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

function retrying<T>(deps: OrchestratorDeps, work: () => Promise<T>): Promise<T> {
  return deps.writeRetry ? deps.writeRetry.run(work) : work();
}

/**
 * Address changes learned while sending (a dead token, a STOP), once the outcome is recorded and
 * best effort: failing to note one must not send the request back to the queue, which would send
 * it twice. They are rare, so each is written as it happens rather than with the batch's bookkeeping.
 */
async function recordAddressChanges(record: DeliveryRecord, changes: AddressChange[], deps: OrchestratorDeps, now: Date): Promise<void> {
  await followUp('address_changes', deps, () => deps.customers.applyAddressChanges(record.customerId, changes, now), changes.length > 0);
}

function noteSends(record: DeliveryRecord, books: Bookkeeping): void {
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
async function writeBookkeeping(books: Bookkeeping, deps: OrchestratorDeps): Promise<void> {
  const { engagement, providerMessages } = deps;
  const now = deps.clock.now();
  await Promise.all([
    providerMessages && followUp('provider_message', deps, () => providerMessages.rememberAll(books.providerMessages, now), books.providerMessages.length > 0),
    engagement && followUp('engagement', deps, () => engagement.recordDelivered(books.delivered, now), books.delivered.length > 0),
  ]);
}

async function followUp(
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

async function finish(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, status: OrchestrationStatus, reason?: string): Promise<Outcome> {
  await deps.deliveries.finish(record);
  return outcomeOf(record, item, deps, status, reason);
}

function outcomeOf(record: DeliveryRecord, item: Claimed, deps: OrchestratorDeps, status: OrchestrationStatus, reason?: string): Outcome {
  const channels = record.channels ?? (record.channel && status === 'SENT' ? [record.channel] : []);
  const createdAt = item.request.createdAt ? Date.parse(item.request.createdAt) : undefined;
  const latencyMs = status === 'SENT' && createdAt !== undefined ? deps.clock.now().getTime() - createdAt : undefined;
  return report(deps, { messageId: item.messageId, requestId: record.requestId, status, channels, ...(reason ? { reason } : {}) }, record.template, latencyMs);
}

async function retry(item: Claimed, deps: OrchestratorDeps, code: string): Promise<Outcome> {
  // Best effort: a release that fails leaves the claim to lapse with its lease.
  await deps.deliveries.release({ requestId: item.request.requestId, lease: item.lease, code, at: deps.clock.now() }).catch(() => undefined);
  return report(deps, { messageId: item.messageId, requestId: item.request.requestId, status: 'RETRY', channels: [], reason: code }, item.request.template);
}

/**
 * Any error on one request sends only that request back to the queue, its code noted on the
 * record: a passing fault gets another try, and a lasting one ends in the DLQ saying why.
 */
async function guarded(item: Claimed, deps: OrchestratorDeps, work: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await work();
  } catch (error) {
    return retry(item, deps, codeOf(error));
  }
}

function report(deps: OrchestratorDeps, outcome: Outcome, template?: string, latencyMs?: number): Outcome {
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
