import type { DeliveryStatus } from '../core/model.js';

/** What every `switchboard` command's exit code means (docs/cli.md lists them per command). */
export const EXIT = {
  ok: 0,
  /** Bad arguments or input, nothing to connect to, not found, or a request that ends in failure. */
  failed: 1,
  /** `send --wait`: queued, but no outcome within `--timeout`; the request may still be decided. */
  timedOut: 3,
  /** `smoke`: a named channel did not arrive (failed, suppressed, or nothing within `--timeout`); the output names the likely cause. */
  smokeFailed: 4,
} as const;

/** Final statuses that mean the message was not and will not be sent as asked. */
const FAILURES: readonly string[] = ['REJECTED', 'RENDER_FAILED', 'FAILED'] satisfies DeliveryStatus[];

/** Also takes the orchestrator's outcome statuses (a dry run reports those), which share these names. */
export function isFailure(status: string): boolean {
  return FAILURES.includes(status);
}
