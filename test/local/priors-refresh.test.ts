import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPriorsRefresh } from '../../functions/local/priors-refresh.js';
import type { PriorsRefreshSummary } from '../../functions/priors-refresh/create-handler.js';

const SUMMARY: PriorsRefreshSummary = { learnedAt: '2026-11-24T12:00:00.000Z', observations: 3, read: 5, complete: true };

/** A refresher handler whose runs finish when the test says. */
function controlled() {
  const events: unknown[] = [];
  const finishers: (() => void)[] = [];
  const handler = (event: unknown) => {
    events.push(event);
    return new Promise<PriorsRefreshSummary>((resolve) => finishers.push(() => resolve(SUMMARY)));
  };
  return { handler, events, finishAll: () => finishers.splice(0).forEach((finish) => finish()) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the local priors refresher', () => {
  it('runs the handler with a scheduled event when asked, sharing a run already going', async () => {
    const h = controlled();
    const local = startPriorsRefresh({ handler: h.handler, context: () => ({}) as Context, everyMs: 60_000, onError: () => undefined });
    const first = local.refresh();
    const second = local.refresh();
    expect(h.events).toEqual([expect.objectContaining({ source: 'aws.events', 'detail-type': 'Scheduled Event' })]);
    h.finishAll();
    expect(await Promise.all([first, second])).toEqual([SUMMARY, SUMMARY]);
    await local.stop();
  });

  it('runs again every interval until stopped, and reports a failed run without stopping', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const handler = () => (++calls === 1 ? Promise.reject(new Error('table missing')) : Promise.resolve(SUMMARY));
    const local = startPriorsRefresh({ handler, context: () => ({}) as Context, everyMs: 60_000, onError: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(errors).toEqual([new Error('table missing')]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    await local.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(2);
  });
});
