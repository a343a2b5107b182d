import { isRetryable } from '../core/errors.js';
import type { WriteRetry } from '../core/ports.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';

/**
 * Our own retries on top of the SDK's: they cover the few writes that must land after a
 * provider accepted a message, for as long as an invocation can afford to wait (about 3 s in all
 * by default), so a burst of throttling does not turn into a second send.
 */
export const DEFAULT_WRITE_RETRY: BackoffOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1_000 };

export class JitteredWriteRetry implements WriteRetry {
  private readonly options: BackoffOptions;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULT_WRITE_RETRY, ...options };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const sleep = this.options.sleep ?? defaultSleep;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.options.maxAttempts) throw error;
        await sleep(jitteredDelay(attempt - 1, this.options));
      }
    }
  }
}
