import { describe, expect, it } from 'vitest';
import { MAX_DATA_BYTES, parseSendRequest } from '../../functions/core/request.js';

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
});
