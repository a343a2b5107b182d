import { PermanentError } from '../core/errors.js';
import type { WakeScheduler } from '../core/ports.js';
import type { Wake, WakeTarget } from '../core/timing/wake.js';
import { isWithinDelayedMessageReach } from './wake-scheduler.js';

/** The code of the error for a wake this scheduler cannot carry: one due beyond a delayed message's reach. */
export const WAKE_BEYOND_QUEUE = 'WAKE_BEYOND_QUEUE';

/**
 * The `WakeScheduler` of the handlers that record engagement (feedback, the inbox API). They
 * only ever bring an escalation's wake forward to now, so they put it on the requests queue and
 * delete the schedule it may have had, and can do nothing else: a wake due beyond a delayed
 * message's reach would need a schedule created, which only the orchestrator does (and only it
 * may pass the role a schedule runs as). Whatever these handlers call, their roles allow exactly
 * SendMessage on the requests queue and DeleteSchedule in the wake group.
 */
export class WakeAdvancer implements WakeScheduler {
  constructor(
    /** Delayed messages on the requests queue. */
    private readonly queue: WakeScheduler,
    /** The wake group's schedules, deleted only. */
    private readonly schedules: Pick<WakeScheduler, 'cancel'>,
  ) {}

  /** A wake due within a delayed message's reach, as one; any later one is refused. */
  async schedule(wake: Wake, now: Date): Promise<void> {
    if (!isWithinDelayedMessageReach(wake, now)) {
      throw new PermanentError(
        `the wake ${wake.token} of ${wake.requestId} is due at ${wake.due.toISOString()}, beyond a delayed message's reach; only the orchestrator creates wake schedules`,
        WAKE_BEYOND_QUEUE,
      );
    }
    await this.queue.schedule(wake, now);
  }

  /** Deletes the wake's schedule; a wake already on the queue as a message cannot be taken back and finds its token spent. */
  cancel(target: WakeTarget): Promise<void> {
    return this.schedules.cancel(target);
  }

  /**
   * The wake goes on the queue first and only then is its schedule deleted: a failed delete
   * leaves the schedule to fire later and find the token spent, never a wake that fires at neither
   * time. A pending wake due within 15 minutes was a delayed message and never had a schedule:
   * one not there is no error.
   */
  async bringForward(wake: Wake, now: Date): Promise<void> {
    await this.schedule(wake, now);
    await this.schedules.cancel(wake);
  }
}
