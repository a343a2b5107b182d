import { fc } from '@fast-check/vitest';
import { expect } from 'vitest';
import { PermanentError } from '../../functions/core/errors.js';
import { MAX_DETAIL, type NormalizeResult } from '../../functions/core/feedback/event.js';
import type { Problem } from '../../functions/core/model.js';
import { isWellFormed, MAX_PROBLEM_TEXT, MAX_PROBLEMS } from '../../functions/core/problem-bounds.js';
import { isRequestId } from '../../functions/core/request.js';

/**
 * A fixed seed, so a failure replays exactly, and run counts that keep the whole folder to a few
 * seconds on a small machine: hostile shapes are few, and each is generated explicitly.
 */
export const SEED = 20_261_124;
export const fuzz = (numRuns = 150) => ({ seed: SEED, numRuns });

/** Keys that reach the prototype chain when code assigns them carelessly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

export const loneSurrogates = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD800b', '\uDFFF\uD800', 'x'.repeat(199) + '\uD83D\uDE00');

/** Short strings of every kind: any UTF-16 code unit (lone surrogates included), any code point, escapes. */
export const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('%', 'E', '0', 'A', 'Z', '/', '#', '.', ' ', '\u0000', '\uD800'), maxLength: 12 }),
  loneSurrogates,
  fc.constantFrom(...PROTO_KEYS),
);

/** A string far beyond any limit; built once per size, so a run costs little. */
export const hugeString = fc
  .constantFrom(3_000, 70_000, 300_000)
  .chain((length) => fc.constantFrom('x', 'ü', '\uD800', '😀').map((unit) => unit.repeat(Math.ceil(length / unit.length))));

export const hostileString = fc.oneof({ arbitrary: anyString, weight: 15 }, { arbitrary: hugeString, weight: 1 });

export const hostileKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ unit: 'binary', maxLength: 12 }), hugeString);

/** `JSON.stringify` as it behaves: undefined, a function or a symbol has no JSON text, whatever its type says. */
export const stringifyJson = (value: unknown): string | undefined => JSON.stringify(value);

/** Any JSON value, and arbitrary JS values, with keys chosen to hurt. */
export const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({
    key: hostileKey,
    maxDepth: 3,
    maxKeys: 5,
    withNullPrototype: true,
    withSparseArray: true,
    withDate: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
  }),
  hostileString,
);

/** A value nested `depth` containers deep, built without recursion. */
export function nested(depth: number, kind: 'object' | 'array', key = 'a'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { [key]: value };
  return value;
}

/** The JSON text of a value `depth` containers deep, which JSON.stringify itself could not produce. */
export function nestedJsonText(depth: number, kind: 'object' | 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

export const deepValueOf = (depths: number[]) =>
  fc
    .record({ depth: fc.constantFrom(...depths), kind: fc.constantFrom('object', 'array' as const), key: fc.constantFrom('a', '__proto__', 'constructor', '\uD800') })
    .map(({ depth, kind, key }) => nested(depth, kind, key));

/** Just past DynamoDB's 32 levels, and thousands deep: past any recursive walk's stack. */
export const deepValue = deepValueOf([33, 100, 5_000, 20_000]);

/** An object with an own `__proto__` property, as JSON.parse makes one. */
export const protoObject = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "constructor": {"prototype": {"polluted": true}}}`) as unknown);

/** Problems never grow with the input: this many characters of JSON at most, whatever arrives. */
export const MAX_PROBLEMS_JSON = (MAX_PROBLEMS + 1) * (2 * MAX_PROBLEM_TEXT * 6 + 40);

export function expectBoundedProblems(problems: readonly Problem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
  for (const problem of problems) {
    expect(typeof problem.path).toBe('string');
    expect(typeof problem.message).toBe('string');
    expect(problem.path.length).toBeLessThanOrEqual(MAX_PROBLEM_TEXT);
    expect(problem.message.length).toBeLessThanOrEqual(MAX_PROBLEM_TEXT);
    expect(isWellFormed(problem.path) && isWellFormed(problem.message)).toBe(true);
  }
  expect(JSON.stringify(problems).length).toBeLessThanOrEqual(MAX_PROBLEMS_JSON);
}

export function expectUntouchedPrototypes(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

/**
 * What DynamoDB refuses as a key value: empty, over 1,024 bytes (the sort key limit, the tighter
 * of the two) or not well-formed. A fake store that throws like DynamoDB proves no input reaches it.
 */
export function assertKey(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '' || Buffer.byteLength(value, 'utf8') > 1024 || !isWellFormed(value)) {
    throw new PermanentError(`ValidationException: key ${name} is not a valid key value`, 'ValidationException');
  }
}

/** Every string in a value, found without recursion. */
export function stringsIn(value: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') found.push(next);
    else if (typeof next === 'object' && next !== null) stack.push(...Object.keys(next), ...Object.values(next));
  }
  return found;
}

/** A provider event read into our vocabulary stays small and storable, or says why not and where. */
export function expectNormalized(result: NormalizeResult): void {
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    expect(typeof result.path).toBe('string');
    expect(result.reason.length).toBeLessThanOrEqual(MAX_DETAIL);
    expect(result.path.length).toBeLessThanOrEqual(MAX_DETAIL);
    expect(isWellFormed(result.reason) && isWellFormed(result.path)).toBe(true);
    return;
  }
  const { event } = result;
  expect(event.eventId.length).toBeLessThanOrEqual(600);
  expect(event.detail?.length ?? 0).toBeLessThanOrEqual(MAX_DETAIL);
  expect(Number.isNaN(Date.parse(event.at))).toBe(false);
  if (event.requestId !== undefined) expect(isRequestId(event.requestId)).toBe(true);
  for (const key of [event.template, event.topic, event.correlation?.providerMessageId, event.correlation?.sanitizedRequestId, event.correlation?.sanitizedCustomerId]) {
    if (key === undefined) continue;
    expect(key.length).toBeGreaterThan(0);
    expect(key.length).toBeLessThanOrEqual(256);
  }
  expect(event.unsubscribe?.topics.length ?? 0).toBeLessThanOrEqual(20);
  for (const topic of event.unsubscribe?.topics ?? []) expect(topic.length).toBeLessThanOrEqual(128);
  for (const text of stringsIn(event)) expect(isWellFormed(text)).toBe(true);
  expect(JSON.stringify(event).length).toBeLessThan(30_000);
}

/** A copy of `value` with the value at `path` replaced. */
export function replaceAt(value: unknown, path: readonly string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  Object.defineProperty(at, path[path.length - 1] as string, { value: replacement, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** Every path to a value inside a small document (a fixture), the document itself included. */
export function pathsIn(value: unknown): string[][] {
  const paths: string[][] = [];
  const stack: { at: unknown; path: string[] }[] = [{ at: value, path: [] }];
  while (stack.length > 0) {
    const { at, path } = stack.pop() as { at: unknown; path: string[] };
    paths.push(path);
    if (typeof at === 'object' && at !== null) for (const [key, child] of Object.entries(at)) stack.push({ at: child, path: [...path, key] });
  }
  return paths;
}

/** A path segment: broken percent escapes, encoded text of any kind, or raw hostile text; never empty. */
export const pathSegment = fc.oneof(
  fc.string({ unit: fc.constantFrom('%', 'E', 'D', '0', 'A', 'F', 'z', '2', '#', '.'), minLength: 1, maxLength: 12 }),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%ED%A0%80', '%C0%AF', '%FF', '%00', '%23', '__proto__', 'constructor'),
  hostileString.filter((text) => text !== '' && isWellFormed(text)).map(encodeURIComponent),
  hostileString.filter((text) => text !== '' && !text.includes('/')),
);
