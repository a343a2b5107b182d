import { describe, expect, it } from 'vitest';
import { delaySeconds, SQS_MAX_DELAY_SECONDS } from '../../functions/adapters/sqs-delayed-wake.js';
import { DELAYED_MESSAGE_LIMIT_MS, RoutedWakeScheduler } from '../../functions/composition/wake-scheduler.js';
import type { WakeScheduler } from '../../functions/core/ports.js';
import type { Wake, WakeTarget } from '../../functions/core/timing/wake.js';

/** Every call the router made, on either side, in the order it made them. */
const log: string[] = [];
class Recording implements WakeScheduler {
  readonly scheduled: Wake[] = [];
  readonly cancelled: WakeTarget[] = [];
  readonly moved: Wake[] = [];
  constructor(private readonly side: string) {}
  async schedule(wake: Wake): Promise<void> {
    log.push(`${this.side}.schedule`);
    this.scheduled.push(wake);
  }
  async cancel(target: WakeTarget): Promise<void> {
    log.push(`${this.side}.cancel`);
    this.cancelled.push(target);
  }
  async bringForward(wake: Wake): Promise<void> {
    log.push(`${this.side}.bringForward`);
    this.moved.push(wake);
  }
}

const NOW = new Date('2026-11-24T10:00:00.000Z');
const wakeIn = (ms: number): Wake => ({ requestId: 'r-1', token: 'd1', kind: 'deferral', due: new Date(NOW.getTime() + ms) });

function routed() {
  log.length = 0;
  const soon = new Recording('soon');
  const later = new Recording('later');
  return { soon, later, scheduler: new RoutedWakeScheduler(soon, later) };
}

describe('RoutedWakeScheduler', () => {
  it('puts a wake due within the limit on the queue with a delay, and a later one on a schedule', async () => {
    for (const [ms, via] of [
      [-60_000, 'soon'],
      [0, 'soon'],
      [60_000, 'soon'],
      [DELAYED_MESSAGE_LIMIT_MS - 1, 'soon'],
      [DELAYED_MESSAGE_LIMIT_MS, 'later'],
      [15 * 60_000, 'later'],
      [7 * 24 * 3_600_000, 'later'],
    ] as const) {
      const { soon, later, scheduler } = routed();
      await scheduler.schedule(wakeIn(ms), NOW);
      expect({ ms, soon: soon.scheduled.length, later: later.scheduled.length }).toEqual({ ms, soon: via === 'soon' ? 1 : 0, later: via === 'later' ? 1 : 0 });
    }
  });

  it('routes to the queue only what a delay can carry in full, with a margin under the 15-minute cap', () => {
    expect(DELAYED_MESSAGE_LIMIT_MS).toBeLessThan(15 * 60_000);
    expect(DELAYED_MESSAGE_LIMIT_MS).toBeGreaterThanOrEqual(14 * 60_000);
    // The longest wake sent with a delay still gets all of it, not the cap.
    const longest = wakeIn(DELAYED_MESSAGE_LIMIT_MS - 1);
    expect(delaySeconds(longest.due, NOW) * 1000).toBeGreaterThanOrEqual(DELAYED_MESSAGE_LIMIT_MS - 1);
    expect(delaySeconds(longest.due, NOW)).toBeLessThan(SQS_MAX_DELAY_SECONDS);
  });

  it('brings a wake within reach of a delayed message as one, then deletes its schedule, never the other way round', async () => {
    const { scheduler } = routed();
    await scheduler.bringForward(wakeIn(0), NOW);
    expect(log).toEqual(['soon.schedule', 'later.cancel']);
  });

  it('moves a wake still beyond reach of a delayed message in place on its schedule', async () => {
    const { later, scheduler } = routed();
    await scheduler.bringForward(wakeIn(3_600_000), NOW);
    expect(log).toEqual(['later.bringForward']);
    expect(later.moved).toEqual([wakeIn(3_600_000)]);
  });

  it('cancels on both, since it cannot tell which one a wake went to', async () => {
    const { soon, later, scheduler } = routed();
    const target = { requestId: 'r-1', token: 'e1', kind: 'escalation' } as const;
    await scheduler.cancel(target);
    expect(soon.cancelled).toEqual([target]);
    expect(later.cancelled).toEqual([target]);
  });
});
