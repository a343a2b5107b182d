import type { DeliveryRecord } from '../core/model.js';
import { formatTable } from '../tooling/text-table.js';
import { explainRecord } from './explain.js';
import type { LocalSystem } from './system.js';

export interface OnceResult {
  records: DeliveryRecord[];
  /** Requests that never reached a final record before the deadline. */
  missing: string[];
}

/**
 * Enqueues the demo scenario and waits until every request has a final record (anything but
 * ACCEPTED), then lets the feedback loop catch up so the statuses include provider reports.
 */
export async function runDemoOnce(system: LocalSystem, timeoutMs = 30_000): Promise<OnceResult> {
  const ids = await system.runScenario();
  const deadline = Date.now() + timeoutMs;
  let records: DeliveryRecord[] = [];
  for (;;) {
    const all = new Map((await system.deliveries.all()).map((record) => [record.requestId, record]));
    records = ids.map((id) => all.get(id)).filter((record): record is DeliveryRecord => record !== undefined && record.status !== 'ACCEPTED');
    if (records.length === ids.length || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await system.feedback.settle(Math.max(1_000, deadline - Date.now()));
  const settled = new Map((await system.deliveries.all()).map((record) => [record.requestId, record]));
  const final = ids.map((id) => settled.get(id)).filter((record): record is DeliveryRecord => record !== undefined && record.status !== 'ACCEPTED');
  return { records: final, missing: ids.filter((id) => !final.some((record) => record.requestId === id)) };
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
