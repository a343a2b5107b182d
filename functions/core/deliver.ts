import type { DecisionConfig } from './config.js';
import { livePushTokens } from './eligibility.js';
import { RenderError } from './errors.js';
import type { Attempt, Category, Channel, Customer, Decision, ExcludedChannel } from './model.js';
import type { AddressChange, FrequencyCounter, OutboundEnvelope, OutboundMessage, SendResult, Senders } from './ports.js';
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
}

export interface DeliverDeps {
  senders: Senders;
  counter: FrequencyCounter;
  renderer: MessageRenderer;
  decisionConfig: DecisionConfig;
}

export type DeliverResult =
  | { kind: 'finished'; state: FinalState; addressChanges: AddressChange[] }
  /** A retryable failure before anything was sent: the queue should redeliver the request. */
  | { kind: 'retry'; code: string; addressChanges: AddressChange[] };

/**
 * Sends by the request's strategy over the ranked channels. A frequency cap reached at send time
 * moves the channel to the exclusions (it was never tried); a render failure or a permanent
 * provider failure is an attempt, and `failover` moves on to the next channel.
 */
export async function deliver(input: DeliverInput, deps: DeliverDeps): Promise<DeliverResult> {
  const { request, now } = input;
  const attempts: Attempt[] = [];
  const capped: ExcludedChannel[] = [];
  const sent: Channel[] = [];
  const addressChanges: AddressChange[] = [];
  // Every ranked channel is a candidate even under `best`: a channel capped at send time was never tried.
  const planned = input.decision.ranked.map((r) => r.channel);
  let tries = 0;

  for (const channel of planned) {
    if (request.strategy !== 'all' && (sent.length > 0 || (request.strategy === 'best' && tries > 0))) break;
    const limits = deps.decisionConfig.caps[channel]?.[input.category];
    if (limits && (limits.perDay !== undefined || limits.perWeek !== undefined)) {
      const { allowed } = await deps.counter.tryConsume({ customerId: request.customerId, channel, category: input.category, now, limits });
      if (!allowed) {
        capped.push({ channel, reason: 'FREQUENCY_CAP', detail: 'cap reached at send time' });
        continue;
      }
    }
    tries++;
    const result = await renderAndSend(channel, input, deps);
    addressChanges.push(...(result.addressChanges ?? []));
    attempts.push(toAttempt(channel, result, now));
    if (result.outcome === 'SENT') sent.push(channel);
    else if (result.outcome === 'FAILED_RETRYABLE' && sent.length === 0 && request.strategy !== 'all') {
      return { kind: 'retry', code: result.code, addressChanges };
    }
  }

  // Under `all`, when nothing went out and a channel only hit a passing fault, the whole request is worth another try.
  const passingFault = attempts.find((a) => a.outcome === 'FAILED_RETRYABLE');
  if (sent.length === 0 && passingFault) return { kind: 'retry', code: passingFault.error?.code ?? 'RETRYABLE', addressChanges };

  const decision = withCapExclusions(input.decision, capped);
  return { kind: 'finished', state: finalState(sent, attempts, decision), addressChanges };
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
      return { ...envelope, content, at: input.request.createdAt ? new Date(input.request.createdAt) : input.now } as OutboundMessage<'in_app'>;
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
