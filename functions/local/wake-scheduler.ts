import { MemoryWakeScheduler } from '../adapters/memory/wake-scheduler.js';
import type { Clock, WakeScheduler } from '../core/ports.js';
import type { Wake, WakeMessage, WakeTarget } from '../core/timing/wake.js';

/** Node's timers hold at most this long (about 24.8 days); a later wake is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A wake the queue did not take is offered again this much later, rather than at once. */
const RESEND_AFTER_MS = 1_000;

export interface FiredWake extends Wake {
  firedAt: Date;
  /** How long before its due time it was sent; 0 when it was due. */
  earlyByMs: number;
}

export interface LocalWakeSchedulerOptions {
  /** Puts a wake message on the local requests queue. */
  send(message: WakeMessage): Promise<void>;
  clock: Clock;
  onError?: (error: unknown) => void;
}

/**
 * The wake scheduler of local mode: holds wakes in memory and, when one comes due, puts its
 * message on the local requests queue, as the deployed delayed message or one-time schedule does.
 * One timer, set for the soonest wake, is all it keeps running. `firePending` sends wakes at
 * once, ahead of their time, and remembers by how much so they can be handled as at their due time.
 */
export class LocalWakeScheduler implements WakeScheduler {
  private readonly held = new MemoryWakeScheduler();
  private readonly early = new Map<string, FiredWake>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: LocalWakeSchedulerOptions) {}

  async schedule(wake: Wake): Promise<void> {
    await this.held.schedule(wake);
    this.arm();
  }

  async cancel(target: WakeTarget): Promise<void> {
    await this.held.cancel(target);
    this.arm();
  }

  /** An engagement ends an escalation early: its wake goes as soon as `wake.due`, by the same timer. */
  async bringForward(wake: Wake): Promise<void> {
    await this.held.bringForward(wake);
    this.arm();
  }

  /** Wakes not sent yet, soonest first; only those of `requestId` when given. */
  pending(requestId?: string): Wake[] {
    return this.held.list().filter((wake) => requestId === undefined || wake.requestId === requestId);
  }

  /**
   * Sends the pending wakes (of `requestId`, or all) now, whatever their due time. A wake the
   * queue refuses stays pending and the error is thrown.
   */
  async firePending(requestId?: string): Promise<FiredWake[]> {
    const fired: FiredWake[] = [];
    for (const wake of this.pending(requestId)) {
      const firedAt = this.options.clock.now();
      const item: FiredWake = { ...wake, firedAt, earlyByMs: Math.max(0, wake.due.getTime() - firedAt.getTime()) };
      // Noted before the send: the poller may receive the message before the send returns.
      if (item.earlyByMs > 0) this.early.set(keyOf(wake), item);
      try {
        await this.options.send(this.held.take(wake));
      } catch (error) {
        this.early.delete(keyOf(wake));
        await this.held.schedule(wake);
        this.arm();
        throw error;
      }
      fired.push(item);
    }
    this.arm();
    return fired;
  }

  /** The wake as it was fired, when `firePending` sent it before its time. */
  firedEarly(target: WakeTarget): FiredWake | undefined {
    return this.early.get(keyOf(target));
  }

  /** Every wake of a request that was fired before its time, in the order fired. */
  firedEarlyFor(requestId: string): FiredWake[] {
    return [...this.early.values()].filter((wake) => wake.requestId === requestId);
  }

  /** Stops the timer; wakes still pending are dropped with the rest of the local system. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const [next] = this.held.list();
    if (this.stopped || !next) return;
    const delay = Math.min(Math.max(0, next.due.getTime() - this.options.clock.now().getTime()), MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.sendDue(), delay);
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    const now = this.options.clock.now();
    for (const message of this.held.takeDue(now)) {
      try {
        await this.options.send(message);
      } catch (error) {
        this.options.onError?.(error);
        await this.held.schedule({ ...message.wake, due: new Date(now.getTime() + RESEND_AFTER_MS) });
      }
    }
    this.arm();
  }
}

function keyOf(target: WakeTarget): string {
  return `${target.requestId}\u0000${target.token}`;
}
