import type { Attempt, Channel, Decision, DeliveryRecord, DeliveryStatus, Problem } from './model.js';
import type { SendRequest } from './request.js';

/** Stand-in key for a message too broken to carry a usable `requestId` (DESIGN.md). */
export function fallbackRequestId(messageId: string): string {
  return `sqs:${messageId}`;
}

export function rejectedRecord(input: {
  requestId: string;
  customerId?: string;
  template?: string;
  problems: Problem[];
  at: Date;
}): DeliveryRecord {
  const at = input.at.toISOString();
  return {
    requestId: input.requestId,
    // Empty rather than a placeholder, so unparseable messages never pile up under one customer in the history index.
    customerId: input.customerId ?? '',
    ...(input.template ? { template: input.template } : {}),
    status: 'REJECTED',
    attempts: [],
    timeline: [{ status: 'REJECTED', at, detail: summarizeProblems(input.problems) }],
    problems: input.problems,
    createdAt: at,
    updatedAt: at,
  };
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
