import type { DeliveryRecord } from '../core/model.js';
import { resolveTimeZone } from '../core/quiet-hours.js';
import { describeDuration } from '../core/timing/duration.js';
import { describeLocalInstant } from '../core/timing/local-time.js';
import { formatTable } from '../tooling/text-table.js';
import { explainRecord } from './explain.js';
import type { LocalSystem } from './system.js';
import type { FiredWake } from './wake-scheduler.js';

export interface EarlyFire {
  /** The record as it waited. */
  before: DeliveryRecord;
  fired: FiredWake[];
}

export interface OnceResult {
  records: DeliveryRecord[];
  /** Requests that never reached a final record before the deadline. */
  missing: string[];
  /** Deferrals and escalation steps sent ahead of their time, so the demo does not wait hours. */
  early: EarlyFire[];
  /** Delivery status events published, every status change of the run's records once. */
  events: number;
}

const POLL_MS = 150;

/**
 * Enqueues the demo scenario and waits until every request has a final record (anything but
 * ACCEPTED). What then waits for its time (a deferral, an escalation's next step) is fired early
 * and waited for once more; the feedback loop catches up last, so statuses include provider reports,
 * and the status events of every change are published before the result is read.
 */
export async function runDemoOnce(system: LocalSystem, timeoutMs = 30_000): Promise<OnceResult> {
  // Learned from whatever the run holds before the demo sends, as the hourly schedule would have.
  await system.priors.refresh();
  const ids = await system.runScenario();
  const deadline = Date.now() + timeoutMs;
  const settled = (record: DeliveryRecord) => record.status !== 'ACCEPTED';
  const waiting = (await recordsOnceAll(system, ids, settled, deadline)).filter((record) => system.wakes.pending(record.requestId).length > 0);

  const early: EarlyFire[] = [];
  for (const before of waiting) early.push({ before, fired: await system.wakes.firePending(before.requestId) });
  const fired = new Set(early.flatMap(({ fired: wakes }) => wakes.map((wake) => `${wake.requestId} ${wake.token}`)));
  await recordsOnceAll(system, ids, (record) => settled(record) && !(record.wake && fired.has(`${record.requestId} ${record.wake.token}`)), deadline);

  await system.feedback.settle(Math.max(1_000, deadline - Date.now()));
  // The last status changes reach the stream as feedback writes them; their events follow.
  await system.events.settle(Math.max(1_000, deadline - Date.now()));
  const final = await recordsOf(system, ids, settled);
  return { records: final, missing: ids.filter((id) => !final.some((record) => record.requestId === id)), early, events: system.events.bus.count() };
}

/** The records of `ids` that pass `done`, once all of them do or the deadline passes. */
async function recordsOnceAll(system: LocalSystem, ids: string[], done: (record: DeliveryRecord) => boolean, deadline: number): Promise<DeliveryRecord[]> {
  for (;;) {
    const records = await recordsOf(system, ids, done);
    if (records.length === ids.length || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function recordsOf(system: LocalSystem, ids: string[], keep: (record: DeliveryRecord) => boolean): Promise<DeliveryRecord[]> {
  const all = new Map((await system.deliveries.all()).map((record) => [record.requestId, record]));
  return ids.map((id) => all.get(id)).filter((record): record is DeliveryRecord => record !== undefined && keep(record));
}

/** One line per request: who, what, where it went, how it ended and why. */
export function summaryTable(result: OnceResult, names: ReadonlyMap<string, string>): string[] {
  const rows = result.records.map((record) => [
    `${record.customerId} ${names.get(record.customerId) ?? ''}`.trim(),
    record.template ?? '',
    record.channels?.join('+') ?? record.channel ?? '-',
    record.status,
    explainRecord(record),
  ]);
  const lines = formatTable(['customer', 'template', 'channel', 'status', 'reason'], rows);
  for (const id of result.missing) lines.push(`(no final record for ${id})`);
  return lines;
}

export interface Person {
  name: string;
  timeZone?: string;
}

/**
 * What was fired early and what came of it: how the record waited (deferred until when and why,
 * or the escalation's next step), how early the wake went, and the timeline events it led to.
 */
export function firedEarlyTable(result: OnceResult, people: ReadonlyMap<string, Person>): string[] {
  const rows = result.early.map(({ before, fired }) => {
    const person = people.get(before.customerId);
    const zone = resolveTimeZone(person?.timeZone);
    const firedAt = fired[0]?.firedAt ?? new Date();
    const at = (iso: string) => describeLocalInstant(new Date(iso), zone, firedAt);
    const due = before.wake?.due ?? fired[0]?.due.toISOString() ?? '';
    const waited =
      before.status === 'DEFERRED'
        ? `DEFERRED until ${at(before.deferredUntil ?? due)}${before.decision?.timing?.reason ? ` (${before.decision.timing.reason})` : ''}`
        : `next escalation step at ${at(before.escalation?.nextAt ?? due)}`;
    const after = result.records.find((record) => record.requestId === before.requestId);
    const then = (after?.timeline.slice(before.timeline.length) ?? [])
      .map((event) => [event.status, event.channel].filter(Boolean).join(' ') + (event.detail ? `: ${event.detail}` : ''))
      .join(' → ');
    return [
      `${before.customerId} ${person?.name ?? ''}`.trim(),
      before.template ?? '',
      waited,
      `${describeDuration(roundToMinute(Math.max(...fired.map((wake) => wake.earlyByMs))))} early`,
      then || '(nothing yet)',
    ];
  });
  return formatTable(['customer', 'template', 'waited', 'fired', 'then'], rows);
}

/** Hours ahead read better without the seconds; under a minute they are all there is. */
function roundToMinute(ms: number): number {
  return ms < 60_000 ? ms : Math.round(ms / 60_000) * 60_000;
}
