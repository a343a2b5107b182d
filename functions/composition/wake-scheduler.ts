import { SQS_MAX_DELAY_SECONDS } from '../adapters/sqs-delayed-wake.js';
import type { WakeScheduler } from '../core/ports.js';
import type { Wake, WakeTarget } from '../core/timing/wake.js';

/**
 * Wakes due sooner than this go on the queue with a delay; later ones become schedules. Half a
 * minute under SQS's 15-minute cap, so the delay a wake needs is always one SQS can give and it
 * never arrives early for want of a longer one.
 */
export const DELAYED_MESSAGE_LIMIT_MS = SQS_MAX_DELAY_SECONDS * 1000 - 30_000;

/** Whether a delayed queue message can carry the wake: it is due within `DELAYED_MESSAGE_LIMIT_MS` of `now`. */
export function isWithinDelayedMessageReach(wake: Pick<Wake, 'due'>, now: Date): boolean {
  return wake.due.getTime() - now.getTime() < DELAYED_MESSAGE_LIMIT_MS;
}

/**
 * The deployed `WakeScheduler`: each wake goes to whichever mechanism can carry it most cheaply.
 * A delayed message costs one queue request and leaves nothing behind; a schedule reaches any
 * time but costs an invocation.
 */
export class RoutedWakeScheduler implements WakeScheduler {
  constructor(
    /** Wakes due within `DELAYED_MESSAGE_LIMIT_MS`. */
    private readonly soon: WakeScheduler,
    /** Everything later. */
    private readonly later: WakeScheduler,
  ) {}

  schedule(wake: Wake, now: Date): Promise<void> {
    return (this.isSoon(wake, now) ? this.soon : this.later).schedule(wake, now);
  }

  /**
   * A wake brought within reach of a delayed message becomes one, and only then is its schedule
   * deleted; one still beyond reach was a schedule before too (it was due later still), which
   * moves in place.
   */
  async bringForward(wake: Wake, now: Date): Promise<void> {
    if (!this.isSoon(wake, now)) return this.later.bringForward(wake, now);
    await this.soon.schedule(wake, now);
    await this.later.cancel(wake);
  }

  /** The caller does not say when the wake was due, so both are asked; either answers "nothing there" without error. */
  async cancel(target: WakeTarget): Promise<void> {
    await Promise.all([this.soon.cancel(target), this.later.cancel(target)]);
  }

  private isSoon(wake: Wake, now: Date): boolean {
    return isWithinDelayedMessageReach(wake, now);
  }
}
