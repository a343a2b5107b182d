import { checkJsonLimits } from '../json-limits.js';
import { isWellFormed } from '../problem-bounds.js';

export interface StorableBreach {
  path: string[];
  message: string;
}

/**
 * Numbers the document client writes exactly: it refuses integers past MAX_SAFE_INTEGER rather
 * than round them, and DynamoDB refuses non-zero magnitudes below 1e-130.
 */
const MAX_MAGNITUDE = Number.MAX_SAFE_INTEGER;
const MIN_MAGNITUDE = 1e-130;
/** Map keys are attribute names: DynamoDB refuses empty ones, and long keys waste the item's 400 KB. */
const MAX_KEY_CHARS = 255;

/**
 * Whether free-form JSON (a profile's `attributes`) can be stored as a DynamoDB document:
 * bounded depth and size first (checked without recursion), then every string and key
 * well-formed, no empty key, every number one the table stores exactly. A value DynamoDB would refuse
 * must be the caller's 400, not our 500.
 */
export function storableBreach(value: unknown, limits: { maxDepth: number; maxBytes: number }): StorableBreach | undefined {
  const limit = checkJsonLimits(value, limits);
  if (limit) return limit;
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: next, path } = stack.pop() as { value: unknown; path: string[] };
    if (typeof next === 'string' && !isWellFormed(next)) return { path, message: 'must be well-formed Unicode text' };
    if (typeof next === 'number') {
      const magnitude = Math.abs(next);
      if (!Number.isFinite(next) || magnitude > MAX_MAGNITUDE || (magnitude !== 0 && magnitude < MIN_MAGNITUDE)) {
        return { path, message: 'must be 0 or a number from 1e-130 to 9007199254740991 in magnitude' };
      }
    }
    if (typeof next !== 'object' || next === null) continue;
    for (const [key, child] of Object.entries(next)) {
      if (!Array.isArray(next) && (key === '' || key.length > MAX_KEY_CHARS || !isWellFormed(key))) {
        return { path: [...path, key], message: `a key must be 1 to ${MAX_KEY_CHARS} characters of well-formed text` };
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}
