import { codeOf } from './errors.js';
import type { Attempt, Channel, DeliveryRecord, EscalationState, EscalationStop, EscalationStep, PendingWake, TimelineEvent } from './model.js';
import { type Claimed, type InboundMessage, finish, type OrchestratorDeps, type Outcome, report, retry, retrying } from './orchestrate-support.js';
import { fallbackRequestId, finishedRecord, rejectedRecord } from './records.js';
import { parseSendRequest, type SendRequest } from './request.js';
import { problemsOf } from './problem-bounds.js';
import type { TimingDecision } from './timing/deferral.js';
import { describeDuration, durationToMs } from './timing/duration.js';
import { type EscalationAction, nextEscalation } from './timing/escalation.js';
import type { Plan } from './timing/plan.js';
import { type Wake, type WakeKind, wakeMessageSchema, wakeToken } from './timing/wake.js';

/** When neither the request nor its template says how long a step may go unengaged. */
export const DEFAULT_ESCALATE_AFTER = 'PT30M';

/**
 * A wake message: claims the request it names, if its record still expects this very wake. A
 * stale or repeated wake claims nothing and is done with; a malformed one is recorded as
 * REJECTED under the queue's id, never under the request it names.
 */
export async function admitWake(message: InboundMessage, body: object, deps: OrchestratorDeps, lastTry: boolean): Promise<Outcome | Claimed> {
  const now = deps.clock.now();
  const parsed = wakeMessageSchema.safeParse(body);
  if (!parsed.success) {
    const requestId = fallbackRequestId(message.messageId);
    await deps.deliveries.reject(rejectedRecord({ requestId, problems: problemsOf(parsed.error), at: now }));
    return report(deps, { messageId: message.messageId, requestId, status: 'REJECTED', channels: [], reason: 'INVALID_WAKE' });
  }
  const { wake } = parsed.data;
  const claim = await deps.deliveries.claimWake({ ...wake, now, leaseMs: deps.leaseMs });
  if (claim.kind !== 'claimed') {
    const [status, reason] = claim.kind === 'stale' ? (['DUPLICATE', 'STALE_WAKE'] as const) : (['RETRY', 'IN_PROGRESS_ELSEWHERE'] as const);
    return report(deps, { messageId: message.messageId, requestId: wake.requestId, status, channels: [], reason });
  }
  const { record } = claim;
  const stored = parseSendRequest(record.request);
  // The record holds the request as admitted; only a record edited by hand can fail here.
  const request: SendRequest = stored.ok ? stored.request : unreadableRequest(record);
  const sent = record.attempts.filter((attempt) => attempt.outcome === 'SENT');
  const item: Claimed = {
    messageId: message.messageId,
    lastTry,
    request,
    lease: claim.lease,
    // A deferred request has sent nothing; an escalation's earlier steps are its own business.
    accepted: wake.kind === 'deferral' ? sent : [],
    wakes: record.wakes ?? 0,
    woken: { kind: wake.kind, record },
  };
  if (stored.ok) return item;
  const problems = [{ path: 'request', message: 'the request stored with the record cannot be read again' }, ...stored.problems];
  const failed = finishedRecord(
    request,
    {},
    { status: 'FAILED', sentChannels: [], attempts: [], problems, detail: 'stored request unreadable', reasonCode: 'UNREADABLE_REQUEST' },
    now,
  );
  return finish(failed, item, deps, 'FAILED', 'UNREADABLE_REQUEST');
}

function unreadableRequest(record: DeliveryRecord): SendRequest {
  return { requestId: record.requestId, customerId: record.customerId, template: record.template ?? '', strategy: 'failover', priority: 'normal', data: {}, context: {} };
}

/**
 * Defers the request: the wake is arranged first, then the record says DEFERRED. A wake without
 * its record is stale and harmless; a record without its wake would wait forever, so a failure
 * to arrange one sends the request back to the queue instead.
 */
export async function deferRequest(
  item: Claimed,
  plan: Plan & { timing: Extract<TimingDecision, { kind: 'defer' }> },
  meta: { category: string; topic: string },
  deps: OrchestratorDeps,
): Promise<Outcome> {
  const now = deps.clock.now();
  const { until, reason } = plan.timing;
  const wake = await arrange(item, 'deferral', until, deps);
  const record = finishedRecord(
    item.request,
    meta,
    { status: 'DEFERRED', sentChannels: [], attempts: [], decision: plan.decision, detail: `${reason} until ${until.toISOString()}: ${plan.timing.reasons.join('; ')}` },
    now,
  );
  Object.assign(record, { deferredUntil: until.toISOString(), wake, wakes: item.wakes + 1, request: item.request });
  return finish(record, item, deps, 'DEFERRED', reason);
}

/**
 * After the first step of an `escalate` request went out: notes it and arranges the wake that
 * looks for engagement. If no wake can be arranged the message still stands, sent once; the
 * record says the escalation ended there and why.
 */
export async function startEscalation(record: DeliveryRecord, item: Claimed, plan: Plan, templateEscalateAfter: string | undefined, deps: OrchestratorDeps): Promise<void> {
  const now = deps.clock.now();
  const afterMs = durationToMs(item.request.escalateAfter ?? templateEscalateAfter ?? DEFAULT_ESCALATE_AFTER);
  const sent = record.channels ?? (record.channel ? [record.channel] : []);
  const steps: EscalationStep[] = sent.map((channel) => ({ channel, sentAt: now.toISOString(), reason: `${channel} first, the best channel` }));
  const remaining = plan.decision.ranked.map((entry) => entry.channel).filter((channel) => !sent.includes(channel));
  const state: EscalationState = { afterMs, steps };
  const next = nextEscalation(escalationInput(item.request, state, remaining, record.timeline, now));
  const arranged = await arrangeNext(item, next, state, deps, now);
  Object.assign(record, { channels: sent, escalation: arranged.state, wakes: arranged.wakes, ...(arranged.wake ? { wake: arranged.wake, request: item.request } : {}) });
}

/**
 * An escalation wake: unless someone engaged, the request expired or no channel is left, the
 * next eligible channel (chosen again from the customer's record now) gets the message, and the
 * next wake is arranged. Each step lands on the timeline with its reason.
 */
export async function continueEscalation(
  item: Claimed,
  record: DeliveryRecord,
  eligibleNow: Plan | undefined,
  send: (channels: Channel[]) => Promise<{ kind: 'retry'; code: string } | { kind: 'finished'; attempts: Attempt[]; sent: Channel[]; detail?: string }>,
  deps: OrchestratorDeps,
): Promise<Outcome> {
  const now = deps.clock.now();
  const state = withRecoveredSteps(record);
  const used = state.steps.map((step) => step.channel);
  const channels = (eligibleNow?.decision.ranked ?? []).map((entry) => entry.channel).filter((channel) => !used.includes(channel));
  // A complaint is the customer's last word on the message: no other channel carries it after that.
  const action: NextMove =
    record.status === 'COMPLAINED'
      ? { kind: 'stop', cause: 'complained', reason: 'the customer complained about the message' }
      : nextEscalation(escalationInput(item.request, state, channels, record.timeline, now));
  if (action.kind !== 'send') {
    const arranged = await arrangeNext(item, action, state, deps, now);
    await write(item, deps, { attempts: [], channels: used, state: arranged.state, wake: arranged.wake, wakes: arranged.wakes, events: [], now });
    return report(
      deps,
      { messageId: item.messageId, requestId: item.request.requestId, status: 'ESCALATED', channels: [], reason: action.kind === 'stop' ? action.cause : 'waiting' },
      item.request.template,
    );
  }

  const result = await send(channels.slice(channels.indexOf(action.channel)));
  if (result.kind === 'retry') return retry(item, deps, result.code);
  const [channel] = result.sent;
  if (!channel) {
    const stopped = { cause: 'no_channel_left' as const, reason: `${action.reason}, but nothing went out (${result.detail ?? 'no channel accepted'})`, at: now.toISOString() };
    await write(item, deps, { attempts: result.attempts, channels: used, state: { ...state, stopped }, wakes: item.wakes, events: [], now });
    return report(deps, { messageId: item.messageId, requestId: item.request.requestId, status: 'ESCALATED', channels: [], reason: 'no_channel_left' }, item.request.template);
  }
  const reason = channel === action.channel ? action.reason : `${action.reason}; ${action.channel} failed, so ${channel}`;
  const stepped: EscalationState = { ...state, steps: [...state.steps, { channel, sentAt: now.toISOString(), reason }] };
  const remaining = channels.filter((candidate) => candidate !== channel && !result.attempts.some((attempt) => attempt.channel === candidate));
  const next = nextEscalation(escalationInput(item.request, stepped, remaining, record.timeline, now));
  const arranged = await arrangeNext(item, next, stepped, deps, now);
  const events: TimelineEvent[] = [{ status: 'SENT', at: now.toISOString(), channel, detail: reason }];
  await write(item, deps, { attempts: result.attempts, channels: [...used, channel], state: arranged.state, wake: arranged.wake, wakes: arranged.wakes, events, now });
  return report(deps, { messageId: item.messageId, requestId: item.request.requestId, status: 'SENT', channels: [channel], reason: 'escalated' }, item.request.template);
}

/** A step a provider accepted whose write was lost shows in the attempts only: it counts as sent, never again. */
function withRecoveredSteps(record: DeliveryRecord): EscalationState {
  const state = record.escalation ?? { afterMs: durationToMs(DEFAULT_ESCALATE_AFTER), steps: [] };
  const known = new Set(state.steps.map((step) => step.channel));
  const recovered = record.attempts
    .filter((attempt) => attempt.outcome === 'SENT' && !known.has(attempt.channel))
    .map((attempt): EscalationStep => ({ channel: attempt.channel, sentAt: attempt.at, reason: 'sent before an interrupted write' }));
  return { ...state, steps: [...state.steps, ...recovered] };
}

function escalationInput(request: SendRequest, state: EscalationState, channels: Channel[], timeline: readonly TimelineEvent[], now: Date) {
  return {
    channels,
    steps: state.steps.map((step) => ({ channel: step.channel, sentAt: new Date(step.sentAt), ...engagement(step, timeline) })),
    escalateAfterMs: state.afterMs,
    ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt) } : {}),
    now,
  };
}

/** Opened, read or clicked, as the feedback loop records it on the timeline. */
function engagement(step: EscalationStep, timeline: readonly TimelineEvent[]): { engagedAt?: Date } {
  const sentAt = Date.parse(step.sentAt);
  const engaged = timeline
    .filter((event) => (event.status === 'OPENED' || event.status === 'CLICKED') && event.channel === step.channel && Date.parse(event.at) >= sentAt)
    .map((event) => Date.parse(event.at))
    .sort((a, b) => a - b)[0];
  return engaged === undefined ? {} : { engagedAt: new Date(engaged) };
}

/** The escalation rule's move, or an end it does not know of (a complaint). */
type NextMove = Exclude<EscalationAction, { kind: 'stop' }> | { kind: 'stop'; cause: EscalationStop; reason: string };

interface Arranged {
  state: EscalationState;
  wake?: PendingWake;
  wakes: number;
}

/** Arranges the wake a `wait` needs, or notes how the escalation ended. */
async function arrangeNext(item: Claimed, action: NextMove, state: EscalationState, deps: OrchestratorDeps, now: Date): Promise<Arranged> {
  const { nextAt: _previous, ...rest } = state;
  if (action.kind === 'stop') return { state: { ...rest, stopped: { cause: action.cause, reason: action.reason, at: now.toISOString() } }, wakes: item.wakes };
  if (action.kind === 'send') {
    // Only reached when a step is due at the very instant the previous one was sent: look again at once.
    return arrangeNext(item, { kind: 'wait', until: now, reason: action.reason }, state, deps, now);
  }
  try {
    const wake = await retrying(deps, () => arrange(item, 'escalation', action.until, deps));
    return { state: { ...rest, nextAt: action.until.toISOString() }, wake, wakes: item.wakes + 1 };
  } catch (error) {
    const reason = `the next look after ${describeDuration(state.afterMs)} could not be arranged (${codeOf(error)})`;
    return { state: { ...rest, stopped: { cause: 'wake_failed', reason, at: now.toISOString() } }, wakes: item.wakes };
  }
}

async function arrange(item: Claimed, kind: WakeKind, due: Date, deps: OrchestratorDeps): Promise<PendingWake> {
  const wake: Wake = { requestId: item.request.requestId, token: wakeToken(kind, item.wakes + 1), kind, due };
  await deps.scheduler.schedule(wake, deps.clock.now());
  return { token: wake.token, kind, due: due.toISOString() };
}

interface StepWrite {
  attempts: Attempt[];
  channels: Channel[];
  state: EscalationState;
  wake?: PendingWake;
  wakes: number;
  events: TimelineEvent[];
  now: Date;
}

/**
 * Records the step and lets the claim go. If that write fails after a send, the accepted attempt
 * alone is stored, so the wake's redelivery finds the step sent and never sends it again.
 */
async function write(item: Claimed, deps: OrchestratorDeps, step: StepWrite): Promise<void> {
  const { requestId } = item.request;
  try {
    await retrying(deps, () =>
      deps.deliveries.recordEscalation({
        requestId,
        lease: item.lease,
        attempts: step.attempts,
        channels: step.channels,
        escalation: step.state,
        ...(step.wake ? { wake: step.wake } : {}),
        wakes: step.wakes,
        events: step.events,
        at: step.now,
      }),
    );
  } catch (error) {
    for (const attempt of step.attempts.filter((a) => a.outcome === 'SENT')) await deps.deliveries.recordAccepted(requestId, attempt).catch(() => undefined);
    throw error;
  }
}
