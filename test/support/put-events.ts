import type { BackoffOptions } from '../../functions/adapters/backoff.js';

/** PutEvents' answer to a call of `count` entries: each accepted, except those named, refused with the code. */
export function putEventsAnswer(count: number, refused: Record<number, string> = {}) {
  return {
    FailedEntryCount: Object.keys(refused).length,
    Entries: Array.from({ length: count }, (_, i) => (refused[i] ? { ErrorCode: refused[i], ErrorMessage: 'refused' } : { EventId: `e-${i}` })),
  };
}

/** A backoff with a fixed draw that records its pauses in `sleeps` instead of waiting. */
export function recordedBackoff(sleeps: number[], maxAttempts = 3): BackoffOptions {
  return { maxAttempts, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) };
}
