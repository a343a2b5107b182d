import { instantMs } from './instant.js';
import type { ConsentValue } from './model.js';

/** What a stored consent entry says about its own time, read from whatever shape it has. */
export interface StoredConsentFacts {
  value?: unknown;
  updatedAt?: unknown;
}

/**
 * Whether a consent change may replace the entry on the record for its channel and topic:
 * - no entry, or one without a readable time (a bare `"opt_in"`, say): the dated change wins;
 * - otherwise the newer time wins;
 * - at the same instant an opt-out wins over an opt-in, whichever arrives first, and the same
 *   value is written again (a repeated call reports the same outcome).
 * Every writer of consent follows it (docs/customer-record.md, "Consent").
 */
export function supersedes(change: { value: ConsentValue; updatedAt: string }, stored: StoredConsentFacts | undefined): boolean {
  const changeMs = instantMs(change.updatedAt);
  if (changeMs === undefined) return false;
  const storedMs = stored ? instantMs(stored.updatedAt) : undefined;
  if (storedMs === undefined) return true;
  if (changeMs !== storedMs) return changeMs > storedMs;
  return change.value === 'opt_out' || stored?.value === change.value;
}

/** The facts of an entry as the customer record holds it: the bare value or `{ value, updatedAt, source }`. */
export function storedConsentFacts(entry: unknown): StoredConsentFacts | undefined {
  if (entry === undefined || entry === null) return undefined;
  if (typeof entry !== 'object') return { value: entry };
  const { value, updatedAt } = entry as Record<string, unknown>;
  return { value, updatedAt };
}
