import type { Attempt, Channel, Decision, DeliveryRecord, DeliveryStatus, Problem } from './model.js';
import { boundProblems, clipText, isWellFormed } from './problem-bounds.js';
import type { SendRequest } from './request.js';

/** Longest customer id or template id a REJECTED record keeps: DynamoDB keys of the table and its index allow 2 KB. */
export const MAX_RECORD_KEY_BYTES = 1024;

/** Stand-in key for a message too broken to carry a usable `requestId`. */
export function fallbackRequestId(messageId: string): string {
  return `sqs:${clipText(messageId)}`;
}

export function rejectedRecord(input: { requestId: string; customerId?: string; template?: string; problems: Problem[]; at: Date }): DeliveryRecord {
  const at = input.at.toISOString();
  const problems = boundProblems(input.problems);
  return {
    requestId: input.requestId,
    // Empty rather than a placeholder, so unparseable messages never pile up under one customer in the history index.
    customerId: input.customerId && fitsKey(input.customerId) ? input.customerId : '',
    ...(input.template && fitsKey(input.template) ? { template: input.template } : {}),
    status: 'REJECTED',
    attempts: [],
    timeline: [{ status: 'REJECTED', at, detail: summarizeProblems(problems) }],
    problems,
    createdAt: at,
    updatedAt: at,
  };
}

function fitsKey(value: string): boolean {
  return isWellFormed(value) && new TextEncoder().encode(value).length <= MAX_RECORD_KEY_BYTES;
}

export function summarizeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
}

export interface FinalState {
  status: DeliveryStatus;
  sentChannels: Channel[];
  attempts: Attempt[];
  decision?: Decision;
  problems?: Problem[];
  /** Human-readable explanation for the timeline. */
  detail?: string;
  /** Low-cardinality code for metrics: an exclusion reason or an error code. */
  reasonCode?: string;
}

export function finishedRecord(request: SendRequest, meta: { category?: string; topic?: string }, state: FinalState, at: Date): DeliveryRecord {
  const iso = at.toISOString();
  const [firstSent] = state.sentChannels;
  return {
    requestId: request.requestId,
    customerId: request.customerId,
    template: request.template,
    ...(meta.category === 'marketing' || meta.category === 'transactional' ? { category: meta.category } : {}),
    ...(meta.topic ? { topic: meta.topic } : {}),
    strategy: request.strategy,
    status: state.status,
    ...(firstSent ? { channel: firstSent } : {}),
    ...(request.strategy === 'all' && state.sentChannels.length > 0 ? { channels: state.sentChannels } : {}),
    attempts: state.attempts,
    ...(state.decision ? { decision: compactDecision(state.decision) } : {}),
    timeline: timelineFor(state, iso),
    ...(state.problems ? { problems: state.problems } : {}),
    createdAt: request.createdAt ?? iso,
    updatedAt: iso,
  };
}

/** A request whose channels a provider accepted under an earlier claim: finished as sent, nothing re-sent. */
export function acceptedRecord(request: SendRequest, accepted: Attempt[], at: Date): DeliveryRecord {
  const sentChannels = [...new Set(accepted.map((a) => a.channel))];
  return finishedRecord(request, {}, { status: 'SENT', sentChannels, attempts: accepted }, at);
}

function timelineFor(state: FinalState, at: string): DeliveryRecord['timeline'] {
  if (state.sentChannels.length === 0) {
    return [{ status: state.status, at, ...(state.detail ? { detail: state.detail } : {}) }];
  }
  return state.sentChannels.map((channel) => ({ status: 'SENT' as const, at, channel }));
}

/**
 * Zero contributions say nothing the score and reasons do not: leaving them out keeps most
 * records under 1 KB, which halves the write units of every finished request.
 */
function compactDecision(decision: Decision): Decision {
  return {
    ...decision,
    ranked: decision.ranked.map((entry) => ({
      ...entry,
      components: Object.fromEntries(Object.entries(entry.components).filter(([, value]) => value !== 0)),
    })),
  };
}
