import type { FrequencyCounter } from '../../core/ports.js';

const DAY_MS = 86_400_000;

/** Counts in memory per customer × channel × category, over the UTC day and the trailing 7 days. */
export class MemoryFrequencyCounter implements FrequencyCounter {
  private readonly sends = new Map<string, number[]>();

  async tryConsume(input: Parameters<FrequencyCounter['tryConsume']>[0]): Promise<{ allowed: boolean }> {
    const key = `${input.customerId}#${input.channel}#${input.category}`;
    const now = input.now.getTime();
    const history = this.sends.get(key) ?? [];
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const today = history.filter((t) => t >= dayStart).length;
    const week = history.filter((t) => t > now - 7 * DAY_MS).length;
    if (input.limits.perDay !== undefined && today >= input.limits.perDay) return { allowed: false };
    if (input.limits.perWeek !== undefined && week >= input.limits.perWeek) return { allowed: false };
    this.sends.set(key, [...history, now]);
    return { allowed: true };
  }
}
