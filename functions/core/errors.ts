/**
 * The small error hierarchy every port speaks. Adapters translate SDK errors into these, keeping
 * the original as `cause`, so the core decides retry-or-record on `retryable` alone.
 */
export class SwitchboardError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth trying again later: throttling, timeouts, 5xx, a lease held by another worker. */
export class RetryableError extends SwitchboardError {
  constructor(message: string, code = 'RETRYABLE', options?: { cause?: unknown }) {
    super(message, code, true, options);
  }
}

/** Trying again will not help: invalid input, a rejected address, missing permission. */
export class PermanentError extends SwitchboardError {
  constructor(message: string, code = 'PERMANENT', options?: { cause?: unknown }) {
    super(message, code, false, options);
  }
}

/** A template could not be rendered for this customer and request; `problems` says why. */
export class RenderError extends PermanentError {
  constructor(
    message: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(message, 'RENDER_FAILED', options);
  }
}

/** Configuration read at cold start is missing or malformed; names every offending key. */
export class ConfigError extends PermanentError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`, 'CONFIG');
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof SwitchboardError && error.retryable;
}

/** The code to report for any thrown value, including `null` and errors from outside our hierarchy. */
export function codeOf(error: unknown): string {
  if (error instanceof SwitchboardError) return error.code;
  if (error instanceof Error && error.name && error.name !== 'Error') return error.name;
  return 'INTERNAL_ERROR';
}
