import { capWindow } from '../../core/cap-window.js';
import type { FrequencyCounter } from '../../core/ports.js';

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
}
