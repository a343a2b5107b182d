export interface BackoffOptions {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected so tests run without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "Full jitter" (a uniform delay below a capped exponential ceiling): it spreads the retries of
 * many concurrent Lambdas instead of letting them hit a hot partition again in lockstep.
 */
export function jitteredDelay(retry: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}
