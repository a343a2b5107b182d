export interface HttpTimeouts {
  /** Longest wait for a TCP connection to the service. */
  connectMs: number;
  /** Longest wait for a whole request and its answer; past it the call fails as `TimeoutError`. */
  requestMs: number;
}

/**
 * Every AWS call of the handlers answers in well under a second when the service is healthy. A
 * call that hangs would otherwise hold the invocation until Lambda ends it, with nothing recorded;
 * a bounded wait turns it into a retryable `TimeoutError` the SDK retries and the core classifies.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { connectMs: 1_000, requestMs: 3_000 };

/** SDK client settings that apply the timeouts; spread into every client a composition root builds. */
export function withHttpTimeouts(timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS) {
  return {
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      // Without it the SDK only logs a warning when the request timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

/** Tries the SDK makes of one call in its standard retry mode. */
const SDK_MAX_ATTEMPTS = 3;
/** What the SDK's backoff between those tries adds at most, rounded up. */
const SDK_BACKOFF_MS = 1_000;

/** How long one AWS call can take before the SDK gives up on it: what a send must leave room for. */
export function longestCallMs(timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS): number {
  return SDK_MAX_ATTEMPTS * timeouts.requestMs + SDK_BACKOFF_MS;
}
