import type { Channel } from '../model.js';
import { describeDuration } from './duration.js';

/** One message of an escalation: where it went, when, and when the customer first engaged with it (opened, read, clicked). */
export interface EscalationStep {
  channel: Channel;
  sentAt: Date;
  engagedAt?: Date;
}

export interface EscalationInput {
  /** The channels eligible now, best first; those already used are not used again. */
  channels: readonly Channel[];
  steps: readonly EscalationStep[];
  /** How long each step is given to be engaged with before the next; `durationSchema` parses it. */
  escalateAfterMs: number;
  expiresAt?: Date;
  now: Date;
}

export const STOP_CAUSES = ['engaged', 'expired', 'no_channel_left'] as const;
export type StopCause = (typeof STOP_CAUSES)[number];

export type EscalationAction =
  { kind: 'wait'; until: Date; reason: string } | { kind: 'send'; channel: Channel; reason: string } | { kind: 'stop'; cause: StopCause; reason: string };

/**
 * The next move of an `escalate` strategy: send on the best channel, and while nobody engages,
 * on the next eligible one each time `escalateAfterMs` has passed since the last send. It stops at
 * the first engagement on any step, at `expiresAt`, and when the last channel's time has passed
 * without engagement. Even the last step is waited for, so that the outcome says whether it was
 * engaged with; no wait runs past `expiresAt`.
 */
export function nextEscalation(input: EscalationInput): EscalationAction {
  const { now, expiresAt, escalateAfterMs } = input;
  if (!Number.isFinite(escalateAfterMs) || escalateAfterMs <= 0) throw new RangeError(`escalateAfterMs must be a positive duration, got ${escalateAfterMs}`);
  const steps = [...input.steps].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  const engaged = firstEngaged(steps);
  if (engaged) return { kind: 'stop', cause: 'engaged', reason: `engaged on ${engaged.channel}` };
  if (expiresAt && now.getTime() >= expiresAt.getTime()) return { kind: 'stop', cause: 'expired', reason: `expired at ${expiresAt.toISOString()}` };

  const used = new Set(steps.map((step) => step.channel));
  const next = input.channels.find((channel) => !used.has(channel));
  const last = steps.at(-1);
  if (!last) {
    return next ? { kind: 'send', channel: next, reason: `${next} first, the best channel` } : { kind: 'stop', cause: 'no_channel_left', reason: 'no eligible channel' };
  }
  const due = new Date(last.sentAt.getTime() + escalateAfterMs);
  if (expiresAt && expiresAt.getTime() <= due.getTime()) {
    return { kind: 'wait', until: expiresAt, reason: `waiting for engagement on ${last.channel} until expiresAt ${expiresAt.toISOString()}` };
  }
  if (now.getTime() < due.getTime()) return { kind: 'wait', until: due, reason: `waiting for engagement on ${last.channel} until ${due.toISOString()}` };
  const unanswered = `no engagement on ${last.channel} within ${describeDuration(escalateAfterMs)}`;
  if (!next) return { kind: 'stop', cause: 'no_channel_left', reason: `${unanswered}; no channel left` };
  return { kind: 'send', channel: next, reason: `${unanswered} → ${next}` };
}

function firstEngaged(steps: readonly EscalationStep[]): EscalationStep | undefined {
  return steps
    .filter((step) => step.engagedAt !== undefined)
    .sort((a, b) => (a.engagedAt?.getTime() ?? 0) - (b.engagedAt?.getTime() ?? 0))
    .at(0);
}
