import type { DecisionConfig } from './config.js';
import { livePushTokens } from './eligibility.js';
import { codeOf, RenderError } from './errors.js';
import type { Attempt, Category, Channel, Customer, Decision, ExcludedChannel } from './model.js';
import type { AddressChange, CapSlot, FrequencyCounter, OutboundEnvelope, OutboundMessage, SendResult, Senders } from './ports.js';
import type { FinalState } from './records.js';
import type { SendRequest } from './request.js';
import type { CompiledTemplate, RenderedMessage } from './templates.js';

export interface MessageRenderer {
  render<C extends Channel>(template: CompiledTemplate, channel: C, customer: Customer, request: SendRequest, now: Date): Promise<RenderedMessage<C>>;
}

export interface DeliverInput {
  request: SendRequest;
  customer: Customer;
  template: CompiledTemplate;
  decision: Decision;
  category: Category;
  topic: string;
  now: Date;
  /** Attempts a provider accepted under an earlier claim of this request: those channels are done. */
  accepted: Attempt[];
  /**
   * The queue will not deliver this request again: a passing provider fault is then treated like
   * a lasting one (fail over, or finish FAILED), so the request never ends in the DLQ unrecorded.
   */
  lastTry: boolean;
}

export interface DeliverDeps {
  senders: Senders;
  counter: FrequencyCounter;
  renderer: MessageRenderer;
  decisionConfig: DecisionConfig;
  /** Persists an accepted attempt ahead of the final record; false when no write succeeded. */
  recordAccepted(attempt: Attempt): Promise<boolean>;
  /** Gives back a cap slot no send used; best effort, never throws. */
  refund(slot: CapSlot): Promise<void>;
  /** Whether the invocation still has time to render and send one more channel. */
  hasTimeFor(): boolean;
}

export type DeliverResult =
  /** `unpersisted`: attempts a provider accepted that only the final record will hold. */
  | { kind: 'finished'; state: FinalState; addressChanges: AddressChange[]; unpersisted: Attempt[] }
  /** A retryable failure before anything was sent: the queue should redeliver the request. */
  | { kind: 'retry'; code: string; addressChanges: AddressChange[] };

/** Why a channel after a successful one could not be tried; never a reason to send the request again. */
const OUT_OF_TIME = 'TIME_BUDGET';

/**
 * Sends by the request's strategy over the ranked channels. A frequency cap reached at send time
 * moves the channel to the exclusions (it was never tried); a render failure or a permanent
 * provider failure is an attempt, and `failover` moves on to the next channel. Once a provider has
 * accepted, nothing here asks for the request to be redelivered: later failures become attempts.
 */
export async function deliver(input: DeliverInput, deps: DeliverDeps): Promise<DeliverResult> {
  const { request, now } = input;
  const attempts: Attempt[] = [...input.accepted];
  const sent: Channel[] = [...new Set(input.accepted.map((a) => a.channel))];
  const capped: ExcludedChannel[] = [];
  const addressChanges: AddressChange[] = [];
  const unpersisted: Attempt[] = [];
  // Every ranked channel is a candidate even under `best`: a channel capped at send time was never tried.
  const planned = input.decision.ranked.map((r) => r.channel);
  let tries = 0;

  for (const [index, channel] of planned.entries()) {
    if (sent.includes(channel)) continue;
    if (request.strategy !== 'all' && (sent.length > 0 || (request.strategy === 'best' && tries > 0))) break;
    if (!deps.hasTimeFor()) {
      if (sent.length === 0) return { kind: 'retry', code: OUT_OF_TIME, addressChanges };
      attempts.push(failedAttempt(channel, now, OUT_OF_TIME, 'no time left in this invocation'));
      break;
    }
    let slot: CapSlot | undefined | null;
    try {
      slot = await takeCapSlot(channel, input, deps);
    } catch (error) {
      // Before any send the whole request may go back to the queue; after one it must not.
      if (sent.length === 0) throw error;
      attempts.push(failedAttempt(channel, now, codeOf(error), 'the frequency cap could not be checked'));
      continue;
    }
    if (slot === null) {
      capped.push({ channel, reason: 'FREQUENCY_CAP', detail: 'cap reached at send time' });
      continue;
    }
    tries++;
    let result: SendResult;
    try {
      result = await renderAndSend(channel, input, deps);
    } catch (error) {
      if (slot) await deps.refund(slot);
      if (sent.length === 0) throw error;
      attempts.push(failedAttempt(channel, now, codeOf(error), 'unexpected error while sending'));
      continue;
    }
    addressChanges.push(...(result.addressChanges ?? []));
    const attempt = toAttempt(channel, result, now);
    attempts.push(attempt);
    if (result.outcome === 'SENT') {
      sent.push(channel);
      // Under `all`, more can fail before the final record is written, so the attempt is stored
      // first; otherwise the final record is the very next write and stores it without an extra one.
      const moreToCome = request.strategy === 'all' && index < planned.length - 1;
      if (!moreToCome || !(await deps.recordAccepted(attempt))) unpersisted.push(attempt);
      continue;
    }
    // Only what a provider accepted counts against a cap.
    if (slot) await deps.refund(slot);
    if (result.outcome === 'FAILED_RETRYABLE' && sent.length === 0 && request.strategy !== 'all' && !input.lastTry) {
      return { kind: 'retry', code: result.code, addressChanges };
    }
  }

  // Under `all`, when nothing went out and a channel only hit a passing fault, the whole request is worth another try.
  const passingFault = attempts.find((a) => a.outcome === 'FAILED_RETRYABLE');
  if (sent.length === 0 && passingFault && !input.lastTry) return { kind: 'retry', code: passingFault.error?.code ?? 'RETRYABLE', addressChanges };

  const decision = withCapExclusions(input.decision, capped);
  return { kind: 'finished', state: finalState(sent, attempts, decision), addressChanges, unpersisted };
}

/** The slot taken (undefined: the channel has no cap), or null when the cap is reached. */
async function takeCapSlot(channel: Channel, input: DeliverInput, deps: DeliverDeps): Promise<CapSlot | undefined | null> {
  const limits = deps.decisionConfig.caps[channel][input.category];
  if (!limits || (limits.perDay === undefined && limits.perWeek === undefined)) return undefined;
  const slot: CapSlot = { customerId: input.request.customerId, channel, category: input.category, now: input.now };
  const { allowed } = await deps.counter.tryConsume({ ...slot, limits });
  return allowed ? slot : null;
}

function failedAttempt(channel: Channel, now: Date, code: string, message: string): Attempt {
  return { channel, at: now.toISOString(), outcome: 'FAILED_RETRYABLE', error: { code, message } };
}

async function renderAndSend(channel: Channel, input: DeliverInput, deps: DeliverDeps): Promise<SendResult> {
  const sender = deps.senders[channel] as { send(message: OutboundMessage): Promise<SendResult> } | undefined;
  if (!sender) return { outcome: 'FAILED_PERMANENT', code: 'CHANNEL_NOT_CONFIGURED', message: `no ${channel} sender is configured` };
  let content: RenderedMessage;
  try {
    content = await deps.renderer.render(input.template, channel, input.customer, input.request, input.now);
  } catch (error) {
    if (error instanceof RenderError) return { outcome: 'FAILED_PERMANENT', code: 'RENDER_FAILED', message: error.problems.join('; ') };
    throw error;
  }
  return sender.send(outbound(channel, content, input));
}

function outbound(channel: Channel, content: RenderedMessage, input: DeliverInput): OutboundMessage {
  const envelope: OutboundEnvelope = {
    requestId: input.request.requestId,
    customerId: input.request.customerId,
    template: input.request.template,
    category: input.category,
    topic: input.topic,
  };
  const { customer } = input;
  switch (channel) {
    case 'email':
      return { ...envelope, to: customer.email?.address ?? '', content } as OutboundMessage<'email'>;
    case 'sms':
      return { ...envelope, to: customer.phone?.number ?? '', content } as OutboundMessage<'sms'>;
    case 'push':
      return { ...envelope, tokens: livePushTokens(customer), content } as OutboundMessage<'push'>;
    case 'in_app':
      // The request's own time keys the inbox entry, so a redelivered request lands on the same entry.
      return { ...envelope, content, at: input.request.createdAt ? new Date(input.request.createdAt) : input.now, sentAt: input.now } as OutboundMessage<'in_app'>;
  }
}

function toAttempt(channel: Channel, result: SendResult, now: Date): Attempt {
  const at = now.toISOString();
  if (result.outcome === 'SENT') {
    return { channel, at, outcome: 'SENT', ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}) };
  }
  return { channel, at, outcome: result.outcome, error: { code: result.code, message: result.message } };
}

function withCapExclusions(decision: Decision, capped: ExcludedChannel[]): Decision {
  if (capped.length === 0) return decision;
  const cappedChannels = new Set(capped.map((c) => c.channel));
  return {
    ranked: decision.ranked.filter((r) => !cappedChannels.has(r.channel)),
    excluded: [...decision.excluded, ...capped],
  };
}

function finalState(sent: Channel[], attempts: Attempt[], decision: Decision): FinalState {
  if (sent.length > 0) return { status: 'SENT', sentChannels: sent, attempts, decision };
  if (attempts.length === 0) {
    const primary = decision.excluded.find((e) => e.reason !== 'NOT_IN_TEMPLATE' && e.reason !== 'NOT_ALLOWED') ?? decision.excluded[0];
    return { status: 'SUPPRESSED', sentChannels: [], attempts, decision, detail: suppressionDetail(decision), ...(primary ? { reasonCode: primary.reason } : {}) };
  }
  const allRenderFailures = attempts.every((a) => a.error?.code === 'RENDER_FAILED');
  const problems = allRenderFailures ? attempts.map((a) => ({ path: `template.${a.channel}`, message: a.error?.message ?? '' })) : undefined;
  return {
    status: allRenderFailures ? 'RENDER_FAILED' : 'FAILED',
    sentChannels: [],
    attempts,
    decision,
    ...(problems ? { problems } : {}),
    detail: attempts.map((a) => `${a.channel}: ${a.error?.code}`).join(', '),
    reasonCode: attempts[attempts.length - 1]?.error?.code ?? 'FAILED',
  };
}

export function suppressionDetail(decision: Decision): string {
  return decision.excluded.map((e) => `${e.channel}: ${e.reason}`).join(', ');
}
