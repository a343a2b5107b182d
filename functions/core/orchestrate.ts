import { mapWithConcurrency } from './concurrency.js';
import { messageClass } from './decide.js';
import { type DeliverResult, deliver } from './deliver.js';
import { codeOf } from './errors.js';
import { addressChangeEvents } from './feedback/address-changes.js';
import type { Customer, Decision, DeliveryRecord } from './model.js';
import type { CompiledTemplate } from './templates.js';
import type { MalformedCustomer, OrchestrationStatus, TimeBudget } from './ports.js';
import { acceptedRecord, fallbackRequestId, finishedRecord, rejectedRecord, summarizeProblems } from './records.js';
import { type ParseResult, parseSendRequest } from './request.js';
import { isMalformedCustomer } from './customer-record.js';
import type { LearnedPriors } from './learning/priors.js';
import { admissionRefusal } from './admission.js';
import {
  type Bookkeeping,
  type Claimed,
  currentPriors,
  DEFAULT_RESERVE_MS,
  finish,
  finishSent,
  guarded,
  type InboundMessage,
  noteSends,
  type OrchestratorDeps,
  type Outcome,
  recordAccepted,
  recordAddressChanges,
  refund,
  report,
  retry,
  writeBookkeeping,
  followUp,
} from './orchestrate-support.js';
import { admitWake, continueEscalation, deferRequest, startEscalation } from './orchestrate-wakes.js';
import { planDelivery } from './timing/plan.js';
import { wakeBodyOf } from './timing/wake.js';

export { DEFAULT_RESERVE_MS, type InboundMessage, type OrchestratorDeps, type Outcome } from './orchestrate-support.js';

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
  const [customers, priors] = await Promise.all([lookupCustomers(live, deps, outcomes), live.length > 0 ? currentPriors(deps) : undefined]);
  const books: Bookkeeping = { delivered: [], providerMessages: [] };
  const batch: Batch = { books, budget, priors };
  try {
    await mapWithConcurrency(live, deps.concurrency, async (item) => {
      if (outcomes.has(item.messageId)) return;
      const customer = customers.get(item.request.customerId);
      outcomes.set(item.messageId, await guarded(item, deps, () => decideAndSend(item, customer, deps, batch)));
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
  const wake = wakeBodyOf(message.body);
  if (wake) return admitWake(message, wake, deps, isLastTry(message, deps)).catch((error: unknown) => retryUnclaimed(message, deps, codeOf(error)));
  const parsed = parseSafely(message.body);
  const requestId = parsed.ok ? parsed.request.requestId : (parsed.requestId ?? fallbackRequestId(message.messageId));
  try {
    return await claimOrReject(message, parsed, requestId, deps);
  } catch (error) {
    return report(deps, { messageId: message.messageId, requestId, status: 'RETRY', channels: [], reason: codeOf(error) });
  }
}

function isLastTry(message: InboundMessage, deps: OrchestratorDeps): boolean {
  return deps.maxReceives !== undefined && (message.receiveCount ?? 1) >= deps.maxReceives;
}

function retryUnclaimed(message: InboundMessage, deps: OrchestratorDeps, code: string): Outcome {
  return report(deps, { messageId: message.messageId, requestId: fallbackRequestId(message.messageId), status: 'RETRY', channels: [], reason: code });
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
  const refusal = admissionRefusal(request, deps.templates);
  if (refusal) {
    await deps.deliveries.reject(rejectedRecord({ ...request, problems: refusal.problems, at: now }));
    return report(deps, { messageId: message.messageId, requestId, status: 'REJECTED', channels: [], reason: refusal.code }, request.template);
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
    const lastTry = isLastTry(message, deps);
    return { messageId: message.messageId, request, lease: claim.lease, accepted: claim.accepted, lastTry, wakes: 0 };
  }
  const status = claim.kind === 'duplicate' ? 'DUPLICATE' : 'RETRY';
  const reason = claim.kind === 'duplicate' ? `already ${claim.status}` : 'IN_PROGRESS_ELSEWHERE';
  return report(deps, { messageId: message.messageId, requestId, status, channels: [], reason }, request.template);
}

async function dropExpired(claimed: Claimed[], deps: OrchestratorDeps, outcomes: Map<string, Outcome>): Promise<Claimed[]> {
  const now = deps.clock.now();
  // A request a provider already accepted is finished as sent, however late its redelivery; an
  // escalation already sent its first step, and ends itself at `expiresAt`.
  const expired = claimed.filter(
    ({ request, accepted, woken }) => accepted.length === 0 && woken?.kind !== 'escalation' && request.expiresAt !== undefined && Date.parse(request.expiresAt) <= now.getTime(),
  );
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

/** What every request of a batch shares: its bookkeeping, its time, and the priors read for it. */
interface Batch {
  books: Bookkeeping;
  budget: TimeBudget | undefined;
  priors: LearnedPriors | undefined;
}

async function decideAndSend(item: Claimed, customer: Customer | MalformedCustomer | undefined, deps: OrchestratorDeps, batch: Batch): Promise<Outcome> {
  const { request } = item;
  const { books, budget, priors } = batch;
  const now = deps.clock.now();
  const unusable = !customer || isMalformedCustomer(customer);
  if (item.woken?.kind === 'escalation') return escalate(item, item.woken.record, unusable ? undefined : customer, deps, batch);
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
  const template = templateOf(item, deps);
  const { category, topic } = messageClass(request, template.manifest);
  // A woken deferral has waited for `sendAt` already; everything else is decided afresh from the record as it is now.
  const plan = planDelivery(
    { request, customer, manifest: template.manifest, now, sendAtReached: item.woken?.kind === 'deferral', ...(priors ? { priors } : {}) },
    deps.decisionConfig,
  );
  const { timing } = plan;
  if (timing.kind === 'defer' && item.accepted.length === 0) return deferRequest(item, { ...plan, timing }, { category, topic }, deps);
  if (timing.kind === 'expire' && item.accepted.length === 0) {
    const detail = timing.reasons.join('; ');
    const record = finishedRecord(
      request,
      { category, topic },
      { status: 'EXPIRED', sentChannels: [], attempts: [], decision: plan.decision, detail, reasonCode: timing.reason },
      now,
    );
    return finish(record, item, deps, 'EXPIRED', timing.reason);
  }
  const result = await sendOn(plan.decision, item, customer, deps, budget);
  if (result.kind === 'retry') {
    await followUp('address_changes', deps, () => deps.customers.applyAddressChanges(customer.customerId, result.addressChanges, now), result.addressChanges.length > 0);
    return retry(item, deps, result.code);
  }
  const record = finishedRecord(request, { category, topic }, result.state, now);
  record.timeline.push(...addressChangeEvents(result.addressChanges, record.status, record.updatedAt));
  if (result.state.sentChannels.length === 0) {
    const outcome = await finish(record, item, deps, result.state.status as OrchestrationStatus, result.state.reasonCode);
    await recordAddressChanges(record, result.addressChanges, deps, now);
    return outcome;
  }
  if (request.strategy === 'escalate') await startEscalation(record, item, plan, template.manifest.escalateAfter, deps);
  const outcome = await finishSent(record, item, deps, result.unpersisted);
  await recordAddressChanges(record, result.addressChanges, deps, now);
  noteSends(record, books);
  return outcome;
}

/** The next step of an escalation, from the customer's record as it is now; an unusable record leaves no channel. */
async function escalate(item: Claimed, record: DeliveryRecord, customer: Customer | undefined, deps: OrchestratorDeps, batch: Batch): Promise<Outcome> {
  const { books, budget, priors } = batch;
  const now = deps.clock.now();
  const template = templateOf(item, deps);
  const plan = customer
    ? planDelivery({ request: item.request, customer, manifest: template.manifest, now, sendAtReached: true, ...(priors ? { priors } : {}) }, deps.decisionConfig)
    : undefined;
  return continueEscalation(
    item,
    record,
    plan,
    async (channels) => {
      if (!plan || !customer) return { kind: 'finished', attempts: [], sent: [] };
      const decision = { ...plan.decision, ranked: plan.decision.ranked.filter((entry) => channels.includes(entry.channel)) };
      const result = await sendOn(decision, item, customer, deps, budget);
      await recordAddressChanges(record, result.addressChanges, deps, now);
      if (result.kind === 'retry') return result;
      const attempts = result.state.attempts;
      noteSends({ ...record, attempts }, books);
      return { kind: 'finished', attempts, sent: result.state.sentChannels, ...(result.state.detail ? { detail: result.state.detail } : {}) };
    },
    deps,
  );
}

function templateOf(item: Claimed, deps: OrchestratorDeps): CompiledTemplate {
  const template = deps.templates.get(item.request.template);
  if (!template) throw new Error(`template ${item.request.template} vanished after admission`);
  return template;
}

/** Renders and sends by the request's strategy over the decision's ranked channels. */
function sendOn(decision: Decision, item: Claimed, customer: Customer, deps: OrchestratorDeps, budget: TimeBudget | undefined): Promise<DeliverResult> {
  const { request } = item;
  const template = templateOf(item, deps);
  const { category, topic } = messageClass(request, template.manifest);
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  return deliver(
    { request, customer, template, decision, category, topic, now: deps.clock.now(), accepted: item.accepted, lastTry: item.lastTry },
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
}
