import { capWindow } from '../../core/cap-window.js';
import type { CapSlot, FrequencyCounter } from '../../core/ports.js';

/** Counts in memory per customer × channel × category, in the same UTC day and ISO week as the table. */
export class MemoryFrequencyCounter implements FrequencyCounter {
  private readonly counts = new Map<string, number>();

  async tryConsume(input: Parameters<FrequencyCounter['tryConsume']>[0]): Promise<{ allowed: boolean }> {
    const { day, week } = capWindow(input.now);
    const prefix = `${input.customerId}#${input.channel}#${input.category}`;
    const dayKey = `${prefix}#${day}`;
    const weekKey = `${prefix}#${week}`;
    const today = this.counts.get(dayKey) ?? 0;
    const thisWeek = this.counts.get(weekKey) ?? 0;
    if (input.limits.perDay !== undefined && today >= input.limits.perDay) return { allowed: false };
    if (input.limits.perWeek !== undefined && thisWeek >= input.limits.perWeek) return { allowed: false };
    this.counts.set(dayKey, today + 1);
    this.counts.set(weekKey, thisWeek + 1);
    return { allowed: true };
  }

  async refund(slot: CapSlot): Promise<void> {
    const { day, week } = capWindow(slot.now);
    const prefix = `${slot.customerId}#${slot.channel}#${slot.category}`;
    const keys = [`${prefix}#${day}`, `${prefix}#${week}`];
    // Like the table: both counts go down together, only while both are positive.
    if (keys.some((key) => (this.counts.get(key) ?? 0) <= 0)) return;
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) - 1);
  }

  /** What was counted for a customer × channel × category on the day of `now`. */
  countOn(slot: CapSlot): number {
    return this.counts.get(`${slot.customerId}#${slot.channel}#${slot.category}#${capWindow(slot.now).day}`) ?? 0;
  }
}
