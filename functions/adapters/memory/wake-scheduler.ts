import type { WakeScheduler } from '../../core/ports.js';
import type { Wake, WakeMessage, WakeTarget } from '../../core/timing/wake.js';

/** Wakes held in memory until someone asks for those due: tests, dry runs, and local mode's timer. */
export class MemoryWakeScheduler implements WakeScheduler {
  private readonly pending = new Map<string, Wake>();

  async schedule(wake: Wake): Promise<void> {
    // The first arrangement stands, as a schedule of the same name does.
    const key = keyOf(wake);
    if (!this.pending.has(key)) this.pending.set(key, { ...wake, due: new Date(wake.due) });
  }

  async cancel(target: WakeTarget): Promise<void> {
    this.pending.delete(keyOf(target));
  }

  async bringForward(wake: Wake): Promise<void> {
    const pending = this.pending.get(keyOf(wake));
    if (pending && wake.due.getTime() < pending.due.getTime()) pending.due = new Date(wake.due);
  }

  /** Every pending wake, soonest first. */
  list(): Wake[] {
    return [...this.pending.values()].sort((a, b) => a.due.getTime() - b.due.getTime());
  }

  /** Removes and returns the wakes due at `now` as the messages a queue would receive. */
  takeDue(now: Date): WakeMessage[] {
    return this.list()
      .filter((wake) => wake.due.getTime() <= now.getTime())
      .map((wake) => this.take(wake));
  }

  /** Removes one pending wake and returns its message, whenever it is due: a demo's "fire now". */
  take(target: WakeTarget): WakeMessage {
    this.pending.delete(keyOf(target));
    return { wake: { requestId: target.requestId, token: target.token, kind: target.kind } };
  }
}

function keyOf(target: WakeTarget): string {
  return `${target.requestId}\u0000${target.token}`;
}
