import type { Channel, DeliveryRecord } from '../../core/model.js';
import { resolveTimeZone } from '../../core/quiet-hours.js';
import { describeLocalInstant } from '../../core/timing/local-time.js';
import type { LocalWakeScheduler } from '../wake-scheduler.js';

/** What a request waits for, and what happened to its wakes: shown with each of its messages. */
export interface TimingView {
  /** While a deferral or an escalation step waits for its time. */
  waiting?: {
    kind: 'deferral' | 'escalation';
    /** The instant the page counts down to. */
    until: string;
    label: string;
    /** The local scheduler holds its wake, so "Fire now" can send it. */
    canFire: boolean;
  };
  escalation?: { steps: { channel: Channel; sentAt: string; reason: string }[]; stopped?: string };
  /** Wakes sent ahead of their time, each handled as at its due time. */
  firedEarly?: { kind: 'deferral' | 'escalation'; firedAt: string; label: string }[];
}

export function timingView(record: DeliveryRecord, timeZone: string | undefined, wakes: Pick<LocalWakeScheduler, 'pending' | 'firedEarlyFor'>, now: Date): TimingView | undefined {
  const zone = resolveTimeZone(timeZone);
  const local = (instant: Date) => describeLocalInstant(instant, zone, now);
  const view: TimingView = {};
  const waiting = waitingOf(record);
  if (waiting) {
    const label =
      waiting.kind === 'deferral'
        ? `deferred until ${local(new Date(waiting.until))}${record.decision?.timing?.reason ? ` (${record.decision.timing.reason})` : ''}`
        : `next escalation step at ${local(new Date(waiting.until))}`;
    view.waiting = { ...waiting, label, canFire: wakes.pending(record.requestId).length > 0 };
  }
  if (record.escalation) {
    const { steps, stopped } = record.escalation;
    view.escalation = { steps, ...(stopped ? { stopped: stopped.reason } : {}) };
  }
  const early = wakes.firedEarlyFor(record.requestId);
  if (early.length > 0) {
    view.firedEarly = early.map((wake) => ({ kind: wake.kind, firedAt: wake.firedAt.toISOString(), label: `fired early for the demo, handled as at ${local(wake.due)}` }));
  }
  return Object.keys(view).length > 0 ? view : undefined;
}

function waitingOf(record: DeliveryRecord): { kind: 'deferral' | 'escalation'; until: string } | undefined {
  if (record.status === 'DEFERRED' && record.deferredUntil) return { kind: 'deferral', until: record.deferredUntil };
  const escalation = record.escalation;
  if (escalation?.nextAt && !escalation.stopped) return { kind: 'escalation', until: escalation.nextAt };
  return undefined;
}
