import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MAX_PROBLEMS } from '../../functions/core/problem-bounds.js';
import { decodePathSegment, isResult, MAX_CURSOR_CHARS, problem, readCursor, readJsonBody, readLimit, withoutStage } from '../../functions/http/responses.js';
import { expectClientAnswer } from './fakes.js';
import { anyString, expectBoundedProblems, fuzz, hostileJson, hostileString, pathSegment, stringifyJson } from './hostile.js';

describe('HTTP request readers never throw and answer bad input with a bounded 400', () => {
  test.prop([fc.option(hostileString, { nil: undefined })], fuzz(200))('limit', (value) => {
    const limit = readLimit(value, 20, 50);
    if (typeof limit === 'number') expect(Number.isInteger(limit) && limit >= 1 && limit <= 50).toBe(true);
    else expectClientAnswer(limit);
  });

  test.prop([fc.option(hostileString, { nil: undefined })], fuzz(200))('cursor', (value) => {
    const cursor = readCursor(value, 'not ours');
    if (isResult(cursor)) expectClientAnswer(cursor);
    else expect(cursor.cursor?.length ?? 0).toBeLessThanOrEqual(MAX_CURSOR_CHARS);
  });

  test.prop([pathSegment], fuzz(200))('path segment', (segment) => {
    const decoded = decodePathSegment(segment, 'id');
    if (typeof decoded !== 'string') expectClientAnswer(decoded);
  });

  test.prop(
    [
      fc.oneof(
        hostileString,
        hostileJson.map((value) => stringifyJson(value) ?? ''),
      ),
      fc.boolean(),
    ],
    fuzz(200),
  )('JSON body, plain or base64', (text, base64) => {
    const body = readJsonBody({ body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text, isBase64Encoded: base64 }, 16 * 1024);
    if (isResult(body)) expectClientAnswer(body);
  });

  test.prop([hostileString, fc.option(anyString, { nil: undefined })], fuzz(200))('stage prefix', (path, stage) => {
    expect(typeof withoutStage(path, stage)).toBe('string');
  });

  test.prop([fc.array(fc.record({ path: hostileString, message: hostileString }), { maxLength: 60 })], fuzz(100))(
    'a problem answer stays bounded however many problems it is given',
    (problems) => {
      const answer = problem(400, 'INVALID', 'bad', problems.length > 0 ? problems : undefined);
      expectClientAnswer(answer);
      expect(JSON.parse(String(answer.body)).error.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
      expectBoundedProblems(JSON.parse(String(answer.body)).error.problems);
    },
  );
});
