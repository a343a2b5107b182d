import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isCustomerId, isRequestId, MAX_BODY_BYTES, type ParseResult, parseSendRequest } from '../../functions/core/request.js';
import { deepValueOf, expectBoundedProblems, expectUntouchedPrototypes, fuzz, hostileJson, hostileKey, hostileString, nestedJsonText, protoObject } from './hostile.js';

const valid = { requestId: 'req-1', customerId: 'c-1001', template: 'cart-reminder' };
const FIELDS = ['requestId', 'customerId', 'template', 'category', 'topic', 'channels', 'strategy', 'priority', 'data', 'context', 'expiresAt', 'createdAt'] as const;

function expectWellBehaved(result: ParseResult): void {
  if (result.ok) {
    expect(isRequestId(result.request.requestId)).toBe(true);
    expect(isCustomerId(result.request.customerId)).toBe(true);
    return;
  }
  expectBoundedProblems(result.problems);
  if (result.requestId !== undefined) expect(isRequestId(result.requestId)).toBe(true);
  if (result.customerId !== undefined) expect(isCustomerId(result.customerId)).toBe(true);
  expectUntouchedPrototypes();
}

/** A request close enough to valid that every field's own check runs, with hostile values and keys mixed in. */
const nearlyValid = fc
  .record({
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(hostileJson, deepValueOf([33, 100, 2_000]), protoObject),
    extraKey: fc.option(hostileKey, { nil: undefined }),
    extraValue: hostileJson,
    contextKey: fc.option(hostileKey, { nil: undefined }),
  })
  .map(({ field, value, extraKey, extraValue, contextKey }) => {
    const body: Record<string, unknown> = { ...valid, [field]: value };
    if (extraKey !== undefined) Object.defineProperty(body, extraKey, { value: extraValue, enumerable: true, configurable: true, writable: true });
    if (contextKey !== undefined) body.context = Object.defineProperty({}, contextKey, { value: 1, enumerable: true });
    return body;
  });

/** The JSON text when the value has one; values thousands deep or with BigInts have none. */
function jsonTextOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

describe('parseSendRequest never throws and answers in bounded size', () => {
  test.prop([hostileJson], fuzz(300))('for any value', (value) => {
    expectWellBehaved(parseSendRequest(value));
  });

  test.prop([fc.jsonValue({ maxDepth: 5 })], fuzz(300))('for the JSON text of any value', (value) => {
    expectWellBehaved(parseSendRequest(JSON.stringify(value)));
  });

  test.prop([hostileString], fuzz(200))('for any text, lone surrogates and huge strings included', (text) => {
    expectWellBehaved(parseSendRequest(text));
  });

  test.prop([nearlyValid], fuzz(300))('for a request with one hostile field and hostile keys', (body) => {
    expectWellBehaved(parseSendRequest(body));
    const text = jsonTextOf(body);
    if (text !== undefined) expectWellBehaved(parseSendRequest(text));
  });

  test.prop([deepValueOf([5_000, 20_000]), fc.constantFrom(...FIELDS)], fuzz(40))('for values nested thousands deep in any field', (deep, field) => {
    expectWellBehaved(parseSendRequest({ ...valid, [field]: deep }));
    expectWellBehaved(parseSendRequest({ ...valid, data: { [field]: deep } }));
  });

  test.prop([fc.constantFrom(5_000, 50_000), fc.constantFrom('object', 'array' as const), fc.boolean()], fuzz(8))('for JSON text nested thousands deep', (depth, kind, inData) => {
    const text = nestedJsonText(depth, kind);
    const body = inData ? `{"requestId":"r-1","customerId":"c-1","template":"t","data":{"x":${text}}}` : text;
    expectWellBehaved(parseSendRequest(body));
  });

  test.prop([fc.constantFrom(MAX_BODY_BYTES + 1, 5 * MAX_BODY_BYTES), fc.constantFrom('x', 'ü', '\uD800')], fuzz(6))('for a body larger than SQS allows', (bytes, unit) => {
    const result = parseSendRequest(`"${unit.repeat(bytes)}"`);
    expect(result).toEqual({ ok: false, problems: [{ path: '', message: `body is larger than ${MAX_BODY_BYTES} bytes` }] });
  });

  test.prop([fc.uniqueArray(hostileKey, { minLength: 1, maxLength: 40 })], fuzz(100))('for many unknown fields with hostile names', (keys) => {
    const body: Record<string, unknown> = { ...valid };
    for (const key of keys) Object.defineProperty(body, key, { value: 1, enumerable: true, configurable: true, writable: true });
    expectWellBehaved(parseSendRequest(body));
  });
});
