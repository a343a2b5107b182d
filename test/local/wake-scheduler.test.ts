import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Wake, WakeMessage } from '../../functions/core/timing/wake.js';
import { LocalWakeScheduler } from '../../functions/local/wake-scheduler.js';

const T0 = new Date('2026-11-24T17:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

const wake = (requestId: string, dueInMs: number, token = 'd1'): Wake => ({ requestId, token, kind: 'deferral', due: new Date(T0.getTime() + dueInMs) });

function scheduler(options: { failSends?: number } = {}) {
  const sent: WakeMessage[] = [];
  const errors: unknown[] = [];
  let failures = options.failSends ?? 0;
  const wakes = new LocalWakeScheduler({
    clock: { now: () => new Date() },
    send: async (message) => {
      if (failures-- > 0) throw new Error('queue unavailable');
      sent.push(message);
    },
    onError: (error) => errors.push(error),
  });
  return { wakes, sent, errors };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the local wake scheduler', () => {
  it('puts a wake on the queue when it is due, never before, soonest first', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule(wake('r-late', 2 * MINUTE));
    await wakes.schedule(wake('r-soon', MINUTE));

    await vi.advanceTimersByTimeAsync(MINUTE - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ wake: { requestId: 'r-soon', token: 'd1', kind: 'deferral' } }]);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(sent.map((m) => m.wake.requestId)).toEqual(['r-soon', 'r-late']);
    expect(wakes.pending()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await wakes.stop();
  });

  it('arranges the same wake once, and a cancelled wake never goes', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule(wake('r-1', MINUTE));
    await wakes.schedule(wake('r-1', 5 * MINUTE));
    await wakes.schedule(wake('r-2', MINUTE));
    await wakes.cancel(wake('r-2', MINUTE));
    expect(wakes.pending().map((w) => [w.requestId, w.due.getTime() - T0.getTime()])).toEqual([['r-1', MINUTE]]);

    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(sent.map((m) => m.wake.requestId)).toEqual(['r-1']);
    await wakes.stop();
  });

  it('sends a wake brought forward at its new time', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule({ ...wake('r-1', 30 * MINUTE, 'e1'), kind: 'escalation' });
    await vi.advanceTimersByTimeAsync(MINUTE);
    await wakes.bringForward({ ...wake('r-1', MINUTE, 'e1'), kind: 'escalation' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ wake: { requestId: 'r-1', token: 'e1', kind: 'escalation' } }]);
    await wakes.stop();
  });

  it('fires a request’s pending wakes at once, noting how early, and leaves the others waiting', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule(wake('r-1', 6 * 60 * MINUTE));
    await wakes.schedule(wake('r-2', 60 * MINUTE));
    await vi.advanceTimersByTimeAsync(MINUTE);

    const fired = await wakes.firePending('r-1');

    expect(fired).toEqual([expect.objectContaining({ requestId: 'r-1', token: 'd1', firedAt: new Date(T0.getTime() + MINUTE), earlyByMs: 359 * MINUTE })]);
    expect(sent).toEqual([{ wake: { requestId: 'r-1', token: 'd1', kind: 'deferral' } }]);
    expect(wakes.firedEarly({ requestId: 'r-1', token: 'd1', kind: 'deferral' })?.earlyByMs).toBe(359 * MINUTE);
    expect(wakes.firedEarlyFor('r-1')).toHaveLength(1);
    expect(wakes.pending().map((w) => w.requestId)).toEqual(['r-2']);

    await vi.advanceTimersByTimeAsync(7 * 60 * MINUTE);
    expect(sent.map((m) => m.wake.requestId)).toEqual(['r-1', 'r-2']);
    expect(wakes.firedEarly({ requestId: 'r-2', token: 'd1', kind: 'deferral' })).toBeUndefined();
    expect(await wakes.firePending('r-1')).toEqual([]);
    await wakes.stop();
  });

  it('keeps a wake pending when the queue refuses it: fired by hand, the error is thrown; by the timer, it is offered again', async () => {
    const { wakes, sent, errors } = scheduler({ failSends: 2 });
    await wakes.schedule(wake('r-1', MINUTE));

    await expect(wakes.firePending('r-1')).rejects.toThrow('queue unavailable');
    expect(wakes.pending().map((w) => w.requestId)).toEqual(['r-1']);
    expect(wakes.firedEarlyFor('r-1')).toEqual([]);

    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.map((m) => m.wake.requestId)).toEqual(['r-1']);
    await wakes.stop();
  });

  it('waits past the longest timer Node can set for a wake weeks ahead', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule(wake('r-1', 30 * DAY));
    await vi.advanceTimersByTimeAsync(29 * DAY);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(DAY);
    expect(sent.map((m) => m.wake.requestId)).toEqual(['r-1']);
    await wakes.stop();
  });

  it('leaves no timer running once stopped', async () => {
    const { wakes, sent } = scheduler();
    await wakes.schedule(wake('r-1', MINUTE));
    expect(vi.getTimerCount()).toBe(1);
    await wakes.stop();
    expect(vi.getTimerCount()).toBe(0);
    await wakes.schedule(wake('r-2', MINUTE));
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
