import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_DATA_BYTES, MAX_DEPTH, MAX_PROBLEM_TEXT, MAX_PROBLEMS, parseSendRequest } from '../../functions/core/request.js';

const minimal = { requestId: 'req-1', customerId: 'c-1001', template: 'cart-reminder' };

function problemsOf(body: unknown) {
  const result = parseSendRequest(body);
  return result.ok ? [] : result.problems;
}

/** `{"blob":"…"}` with the string sized so the whole object is `bytes` long in UTF-8. */
function dataOfBytes(bytes: number, filler = 'x') {
  const overhead = JSON.stringify({ blob: '' }).length;
  const fillerBytes = Buffer.byteLength(filler, 'utf8');
  return { blob: filler.repeat(Math.floor((bytes - overhead) / fillerBytes)) };
}

describe('parseSendRequest', () => {
  it('accepts a full, valid request and keeps every field', () => {
    const full = {
      ...minimal,
      category: 'marketing',
      topic: 'promotions',
      channels: ['push', 'email'],
      strategy: 'all',
      priority: 'high',
      data: { item: 'boots', price: 89.9, sizes: [38, 39] },
      context: { surface: 'store', storeId: 'berlin-mitte', locale: 'de-AT', sessionActive: false, observedAt: '2026-11-23T15:58:00Z' },
      expiresAt: '2026-11-23T17:00:00+01:00',
      createdAt: '2026-11-23T15:59:30.123Z',
    };
    expect(parseSendRequest(full)).toEqual({ ok: true, request: full });
  });

  it('accepts the JSON text of a request, as it arrives from the queue', () => {
    expect(parseSendRequest(JSON.stringify(minimal))).toMatchObject({ ok: true, request: minimal });
  });

  it('fills in the defaults', () => {
    expect(parseSendRequest(minimal)).toEqual({
      ok: true,
      request: { ...minimal, strategy: 'failover', priority: 'normal', data: {}, context: {} },
    });
  });

  it('reports every problem at once, each with its path', () => {
    const result = parseSendRequest({
      requestId: 'bad id!',
      customerId: '',
      template: 'cart-reminder',
      channels: ['fax'],
      strategy: 'maybe',
      context: { surface: 'moon', mood: 'happy' },
      expiresAt: 'tomorrow',
      sender: 'crm',
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths.sort()).toEqual(['', 'channels.0', 'context', 'context.surface', 'customerId', 'expiresAt', 'requestId', 'strategy']);
  });

  it('names unknown top-level fields instead of ignoring them', () => {
    expect(problemsOf({ ...minimal, sender: 'crm', retries: 3 })).toEqual([{ path: '', message: 'unknown field(s): sender, retries' }]);
  });

  it('names unknown context fields under their path', () => {
    expect(problemsOf({ ...minimal, context: { surface: 'web', weather: 'rain' } })).toEqual([{ path: 'context', message: 'unknown field(s): weather' }]);
  });

  it.each([
    ['a space', 'req 1'],
    ['a slash', 'orders/123'],
    ['a hash', 'req#1'],
    ['a non-ASCII letter', 'bestellung-ü'],
    ['nothing', ''],
    ['129 characters', 'r'.repeat(129)],
  ])('rejects a requestId with %s', (_name, requestId) => {
    expect(new Set(problemsOf({ ...minimal, requestId }).map((p) => p.path))).toEqual(new Set(['requestId']));
  });

  it.each([
    ['letters, digits and . _ : -', 'Order-123:shipped_v2.1'],
    ['128 characters', 'r'.repeat(128)],
  ])('accepts a requestId with %s', (_name, requestId) => {
    expect(parseSendRequest({ ...minimal, requestId }).ok).toBe(true);
  });

  it('accepts data of exactly 32 KiB and rejects one byte more', () => {
    expect(parseSendRequest({ ...minimal, data: dataOfBytes(MAX_DATA_BYTES) }).ok).toBe(true);
    expect(problemsOf({ ...minimal, data: dataOfBytes(MAX_DATA_BYTES + 1) })).toEqual([{ path: 'data', message: 'must be at most 32768 bytes as JSON' }]);
  });

  it('measures data in UTF-8 bytes, not characters', () => {
    const data = dataOfBytes(MAX_DATA_BYTES + 2, 'ü');
    expect(JSON.stringify(data).length).toBeLessThan(MAX_DATA_BYTES);
    expect(problemsOf({ ...minimal, data }).map((p) => p.path)).toEqual(['data']);
  });

  it.each([
    ['an empty allow-list', { channels: [] }, 'channels'],
    ['a repeated channel', { channels: ['push', 'push'] }, 'channels'],
    ['an unknown category', { category: 'newsletter' }, 'category'],
    ['"*" as the topic, which consent reads as every topic', { topic: '*' }, 'topic'],
    ['a date without an offset', { expiresAt: '2026-11-23T17:00:00' }, 'expiresAt'],
    ['a malformed locale', { context: { locale: 'german' } }, 'context.locale'],
    ['data that is not an object', { data: 'boots' }, 'data'],
  ])('rejects %s', (_name, change, path) => {
    expect(problemsOf({ ...minimal, ...change }).map((p) => p.path)).toEqual([path]);
  });

  it('explains a body that is not JSON', () => {
    const problems = problemsOf('{"requestId": ');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('');
    expect(problems[0]?.message).toMatch(/^body is not valid JSON/);
  });

  it('rejects a body that is not an object', () => {
    expect(problemsOf([minimal]).map((p) => p.path)).toEqual(['']);
    expect(problemsOf(null).map((p) => p.path)).toEqual(['']);
  });

  it('keeps a valid requestId and customerId of a rejected request, so it can be recorded under its own id', () => {
    expect(parseSendRequest({ ...minimal, strategy: 'maybe' })).toMatchObject({ ok: false, requestId: 'req-1', customerId: 'c-1001' });
  });

  it('does not salvage an invalid requestId', () => {
    const result = parseSendRequest({ ...minimal, requestId: 'bad id!' });
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('requestId');
    expect(result).toHaveProperty('customerId', 'c-1001');
  });

  it('keeps the customerId only when it is one the schema accepts, so it is safe as an index key', () => {
    const result = parseSendRequest({ ...minimal, customerId: 'c'.repeat(3_000), strategy: 'maybe' });
    expect(result).toMatchObject({ ok: false, requestId: 'req-1' });
    expect(result).not.toHaveProperty('customerId');
    expect(parseSendRequest({ ...minimal, customerId: 'c'.repeat(256), strategy: 'maybe' })).toHaveProperty('customerId', 'c'.repeat(256));
  });

  it('rejects a customerId with a lone surrogate, which has no UTF-8 form to store, and does not salvage it', () => {
    const result = parseSendRequest({ ...minimal, customerId: 'c-\uD800' });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['customerId']);
    expect(result).not.toHaveProperty('customerId');
  });
});

describe('parseSendRequest on hostile input', () => {
  function nested(depth: number, make: (inner: unknown) => unknown): unknown {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = make(value);
    return value;
  }

  it('rejects data nested 5,000 deep with one problem at the level that broke the limit, instead of overflowing the stack', () => {
    const data = nested(5_000, (inner) => ({ a: inner }));
    expect(parseSendRequest({ ...minimal, data })).toEqual({
      ok: false,
      problems: [{ path: `data${'.a'.repeat(MAX_DEPTH)}`, message: `nests deeper than ${MAX_DEPTH} levels` }],
      requestId: 'req-1',
      customerId: 'c-1001',
    });
  });

  it('reads deep arrays the same way, from a JSON body too', () => {
    const body = `${JSON.stringify(minimal).slice(0, -1)},"data":{"list":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
    expect(problemsOf(body)).toEqual([{ path: `data.list${'.0'.repeat(MAX_DEPTH - 1)}`, message: `nests deeper than ${MAX_DEPTH} levels` }]);
  });

  it('accepts data exactly as deep as the limit', () => {
    expect(parseSendRequest({ ...minimal, data: nested(MAX_DEPTH, (inner) => ({ a: inner })) }).ok).toBe(true);
    expect(problemsOf({ ...minimal, data: nested(MAX_DEPTH + 1, (inner) => ({ a: inner })) }).map((p) => p.path)).toEqual([`data${'.a'.repeat(MAX_DEPTH)}`]);
  });

  it('rejects data that refers to itself, without looping', () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    expect(problemsOf({ ...minimal, data })).toEqual([{ path: `data${'.self'.repeat(MAX_DEPTH)}`, message: `nests deeper than ${MAX_DEPTH} levels` }]);
  });

  it('rejects data that is not plain JSON instead of throwing', () => {
    expect(problemsOf({ ...minimal, data: { n: 10n } }).map((p) => p.path)).toEqual(['data']);
  });

  it('bounds the problem for a 200 KB unknown field name: the name is cut short', () => {
    const name = 'x'.repeat(200_000);
    const problems = problemsOf({ ...minimal, [name]: 1 });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('');
    expect(problems[0]?.message).toMatch(/^unknown field\(s\): x+…$/);
    expect(JSON.stringify(problems).length).toBeLessThan(200);
  });

  it('lists at most MAX_PROBLEMS problems and counts the rest', () => {
    const problems = problemsOf({ requestId: 'bad id!', customerId: 7, template: '', channels: Array(100).fill('fax') });
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems.slice(0, 4).map((p) => p.path)).toEqual(['requestId', 'customerId', 'template', 'channels.0']);
    expect(problems.at(-1)).toEqual({ path: '', message: `and ${103 - MAX_PROBLEMS} more problems` });
  });

  it('names at most ten unknown fields and counts the rest', () => {
    const unknown = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra${i}`, i]));
    expect(problemsOf({ ...minimal, context: unknown })).toEqual([
      { path: 'context', message: `unknown field(s): ${Array.from({ length: 10 }, (_, i) => `extra${i}`).join(', ')} and 40 more` },
    ]);
  });

  it('cuts every path and message to MAX_PROBLEM_TEXT characters', () => {
    const key = 'k'.repeat(5_000);
    const data = nested(MAX_DEPTH + 1, (inner) => ({ [key]: inner }));
    const [problem] = problemsOf({ ...minimal, data });
    expect(problem?.path).toHaveLength(MAX_PROBLEM_TEXT);
    expect(problem?.path.endsWith('…')).toBe(true);
  });

  it('answers a body larger than SQS allows with one problem, without parsing it', () => {
    const body = JSON.stringify({ ...minimal, data: { blob: 'x'.repeat(MAX_BODY_BYTES) } });
    expect(problemsOf(body)).toEqual([{ path: '', message: `body is larger than ${MAX_BODY_BYTES} bytes` }]);
  });

  it('reports a field named __proto__ as unknown and leaves Object.prototype alone', () => {
    const problems = problemsOf('{"__proto__": {"polluted": true}, "requestId": "req-1", "customerId": "c-1", "template": "t"}');
    expect(problems).toEqual([{ path: '', message: 'unknown field(s): __proto__' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, even for a value whose getter throws', () => {
    const body = { ...minimal };
    Object.defineProperty(body, 'template', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(parseSendRequest(body)).toEqual({ ok: false, problems: [{ path: '', message: 'body could not be read as a send request' }] });
  });
});
