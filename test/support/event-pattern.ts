/**
 * Whether an EventBridge event pattern matches an event, for the part of the pattern language the
 * README's and docs' rules use: exact values (strings, numbers, booleans, null) and `prefix`, on
 * fields at any depth, where an array in the event matches when any of its elements does. Any
 * other operator throws, so a pattern this cannot judge never passes for a match.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error('an event pattern is a JSON object');
  return Object.entries(pattern).every(([key, expected]) => fieldMatches(expected, isObject(event) ? event[key] : undefined, key));
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldMatches(expected: unknown, actual: unknown, path: string): boolean {
  if (actual === undefined) return false;
  const values = Array.isArray(actual) ? (actual as unknown[]) : [actual];
  if (isObject(expected)) return values.some((value) => isObject(value) && matchesPattern(expected, value));
  if (!Array.isArray(expected) || expected.length === 0) throw new Error(`${path}: a pattern field is a non-empty array of values, or an object`);
  return expected.some((wanted) => values.some((value) => valueMatches(wanted, value, path)));
}

function valueMatches(wanted: unknown, value: unknown, path: string): boolean {
  if (!isObject(wanted)) return wanted === value;
  const [operator, ...others] = Object.keys(wanted);
  if (operator === 'prefix' && others.length === 0 && typeof wanted.prefix === 'string') return typeof value === 'string' && value.startsWith(wanted.prefix);
  throw new Error(`${path}: the operator ${JSON.stringify(wanted)} is not supported here`);
}
