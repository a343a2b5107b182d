/**
 * Times written by Switchboard are `Date#toISOString()` text: UTC, milliseconds, 24 characters
 * for years 0000–9999. In that form text order is time order, which lets a DynamoDB condition
 * compare two times as strings. Other systems may have stored other ISO 8601 forms; those are
 * compared after parsing.
 */
export const CANONICAL_INSTANT_LENGTH = 24;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The canonical form of a parseable time, or undefined when it has none (unparseable, or a year past 9999). */
export function canonicalInstant(text: string): string | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const canonical = new Date(ms).toISOString();
  return CANONICAL.test(canonical) ? canonical : undefined;
}

/** Milliseconds since the epoch for stored text that may be in any ISO 8601 form; undefined when unreadable. */
export function instantMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
