import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../functions/core/concurrency.js';

/** A promise the test settles by hand, so the order of events is fixed without timers. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('mapWithConcurrency', () => {
  it('keeps results in input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await Promise.resolve();
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('starts nothing after the first failure and settles only once the work in flight has finished', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const slow = deferred();
    const failing = deferred();
    const run = mapWithConcurrency([0, 1, 2, 3, 4], 2, async (index) => {
      started.push(index);
      if (index === 0) await slow.promise;
      if (index === 1) await failing.promise;
      finished.push(index);
      return index;
    });
    let settled = false;
    const outcome = run.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    void outcome.then(() => {
      settled = true;
    });
    failing.reject(new Error('fatal'));
    await Promise.resolve();
    await Promise.resolve();
    // Item 0 is still running: the map must not have settled yet.
    expect(settled).toBe(false);
    slow.resolve();
    expect(await outcome).toEqual(new Error('fatal'));
    expect(finished).toEqual([0]);
    expect(started).toEqual([0, 1]);
  });
});
