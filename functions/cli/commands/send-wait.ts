import type { DeliveryRecord } from '../../core/model.js';
import type { DeliveryLookup } from './deliveries.js';

/** Time for the wait; tests pass one that advances on demand. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realWaitClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Local mode decides a request within a second or two; the gap grows so a long wait reads little. */
const FIRST_GAP_MS = 200;
const LONGEST_GAP_MS = 1_000;

/**
 * Reads each request's record until it says what became of the request (any status but
 * ACCEPTED: DEFERRED too, since a deferral may last hours) or `timeoutMs` has passed. Answers
 * the last record read per request; undefined where none was written yet.
 */
export async function awaitOutcomes(requestIds: readonly string[], lookup: DeliveryLookup, timeoutMs: number, clock: WaitClock): Promise<Map<string, DeliveryRecord | undefined>> {
  const deadline = clock.now() + timeoutMs;
  const latest = new Map<string, DeliveryRecord | undefined>();
  let pending = [...new Set(requestIds)];
  let gap = FIRST_GAP_MS;
  for (;;) {
    const read = await Promise.all(pending.map((requestId) => lookup.getDelivery(requestId)));
    pending = pending.filter((requestId, i) => {
      latest.set(requestId, read[i]);
      return !isDecided(read[i]);
    });
    const left = deadline - clock.now();
    if (pending.length === 0 || left <= 0) return latest;
    await clock.sleep(Math.min(gap, left));
    gap = Math.min(gap * 2, LONGEST_GAP_MS);
  }
}

export function isDecided(record: DeliveryRecord | undefined): boolean {
  return record !== undefined && record.status !== 'ACCEPTED';
}
