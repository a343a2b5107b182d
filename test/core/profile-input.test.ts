import { describe, expect, it } from 'vitest';
import { parseConsentInput } from '../../functions/core/profile/consent-input.js';
import { parseContextInput } from '../../functions/core/profile/context-input.js';
import { parseProfileInput } from '../../functions/core/profile/profile-input.js';
import { afterWrite, profileWrite, unreadableWrite } from '../../functions/core/profile/profile-write.js';
import { storableBreach } from '../../functions/core/profile/storable.js';
import { topicRegistrySchema } from '../../functions/core/topics.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const AT = NOW.toISOString();

describe('profile input', () => {
  it('accepts a full profile and the customer id of the path', () => {
    const body = { customerId: 'c-1', locale: 'de-AT', timeZone: 'UTC', attributes: { firstName: 'Lena' }, inApp: { enabled: false } };
    expect(parseProfileInput(body, 'c-1')).toEqual({ ok: true, profile: { locale: 'de-AT', timeZone: 'UTC', attributes: { firstName: 'Lena' }, inApp: { enabled: false } } });
  });

  it('names a repeated push token, a repeated channel and a body that is not an object', () => {
    const result = parseProfileInput(
      {
        push: [
          { token: 't', platform: 'GCM' },
          { token: 't', platform: 'APNS' },
        ],
        preferences: { preferredChannels: ['sms', 'sms'] },
      },
      'c-1',
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'body.push', message: 'must not list a token twice' },
        { path: 'body.preferences.preferredChannels', message: 'must not repeat a channel' },
      ],
    });
    expect(parseProfileInput([], 'c-1')).toMatchObject({ ok: false, problems: [{ path: 'body' }] });
  });
});

describe('storableBreach: what DynamoDB would refuse is found first', () => {
  it.each([
    [{ a: 2 ** 53 }, ['a'], 'must be 0 or a number from 1e-130 to 9007199254740991 in magnitude'],
    [{ a: [1, -1e-131] }, ['a', '1'], 'must be 0 or a number from 1e-130 to 9007199254740991 in magnitude'],
    [{ a: { '': 1 } }, ['a', ''], 'a key must be 1 to 255 characters of well-formed text'],
    [{ a: 'x\uD800' }, ['a'], 'must be well-formed Unicode text'],
    [{ ['k\uDC00']: 1 }, ['k\uDC00'], 'a key must be 1 to 255 characters of well-formed text'],
  ])('%j', (value, path, message) => {
    expect(storableBreach(value, { maxDepth: 8, maxBytes: 1024 })).toEqual({ path, message });
  });

  it('passes zero, ordinary numbers and nested documents, and bounds depth and size', () => {
    expect(storableBreach({ a: [0, -5, 1.5e-100, Number.MAX_SAFE_INTEGER, { b: 'ü' }] }, { maxDepth: 8, maxBytes: 1024 })).toBeUndefined();
    expect(storableBreach({ a: { b: { c: 1 } } }, { maxDepth: 2, maxBytes: 1024 })?.message).toBe('nests deeper than 2 levels');
    expect(storableBreach({ a: 'x'.repeat(2000) }, { maxDepth: 8, maxBytes: 1024 })?.message).toBe('must be at most 1024 bytes as JSON');
  });
});

describe('context input', () => {
  it('keeps what is given, null to clear, times canonical', () => {
    expect(parseContextInput({ surface: 'store', storeId: null, sessionActiveUntil: '2026-11-24T13:00:00+01:00', observedAt: '2026-11-24T11:59:00Z' }, NOW)).toEqual({
      ok: true,
      patch: { surface: 'store', storeId: null, sessionActiveUntil: '2026-11-24T12:00:00.000Z', observedAt: '2026-11-24T11:59:00.000Z' },
    });
  });

  it('allows a little clock skew, not more', () => {
    expect(parseContextInput({ observedAt: '2026-11-24T12:04:59Z' }, NOW).ok).toBe(true);
    expect(parseContextInput({ observedAt: '2026-11-24T12:05:01Z' }, NOW).ok).toBe(false);
  });
});

describe('consent input', () => {
  const registry = topicRegistrySchema.parse({
    formatVersion: 1,
    topics: [{ id: 'promotions', name: 'Offers', description: 'Offers.', category: 'marketing', channels: ['email', 'push'] }],
  });

  it('stamps every change with api:<source> and a canonical time', () => {
    const result = parseConsentInput(
      { source: 'store-kiosk:berlin', changes: [{ channel: 'push', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-24T12:30:00+01:00' }] },
      registry,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      changes: [{ channel: 'push', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-24T11:30:00.000Z', source: 'api:store-kiosk:berlin' }],
    });
  });

  it('checks the well-formed changes against the registry even when another part of the body is broken', () => {
    const result = parseConsentInput(
      {
        source: 'crm',
        changes: [
          { channel: 'email', topic: 'promo', value: 'opt_in', updatedAt: '2026-11-24T10:00:00Z' },
          { channel: 'letter', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-24T10:00:00Z' },
        ],
      },
      registry,
      NOW,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'body.changes.1.channel', message: expect.stringContaining('Invalid option') },
        { path: 'body.changes.0.topic', message: '"promo" is not a topic of the registry (templates/topics.json), nor "*"' },
      ],
    });
  });

  it('refuses an empty list and more than 50 changes', () => {
    expect(parseConsentInput({ source: 'crm', changes: [] }, registry, NOW)).toMatchObject({ ok: false, problems: [{ path: 'body.changes' }] });
    const many = Array.from({ length: 51 }, () => ({ channel: 'email', topic: '*', value: 'opt_in', updatedAt: '2026-11-24T10:00:00Z' }));
    expect(parseConsentInput({ source: 'crm', changes: many }, registry, NOW)).toMatchObject({ ok: false, problems: [{ path: 'body.changes' }] });
  });
});

describe('profileWrite: a replace keeps what Switchboard learned about the addresses', () => {
  const current = {
    customerId: 'c-1',
    email: { address: 'a@example.com', status: 'suppressed', reason: 'complained', updatedAt: '2026-01-01T00:00:00.000Z' },
    push: [{ token: 'old', platform: 'GCM', status: 'suppressed', reason: 'invalid' }],
    timeZone: 'Europe/Berlin',
    consent: { email: { '*': 'opt_in' } },
  };

  it('keeps the state of an address and token on file, starts new ones active, and removes left-out profile fields', () => {
    const write = profileWrite(current, { email: { address: 'A@example.com' }, push: [{ token: 'new', platform: 'APNS' }] }, AT);
    expect(write).toEqual({
      set: {
        email: { address: 'A@example.com', status: 'suppressed', reason: 'complained', updatedAt: '2026-01-01T00:00:00.000Z' },
        push: [{ token: 'new', platform: 'APNS', status: 'active', updatedAt: AT }],
      },
      remove: ['timeZone'],
      guards: { email: current.email, phone: undefined, push: current.push },
    });
    expect(afterWrite('c-1', current, write)).toEqual({ customerId: 'c-1', email: write.set.email, push: write.set.push, consent: current.consent });
    expect(unreadableWrite('c-1', write)).toEqual([]);
  });

  it('reports carried-over address state that the record contract refuses', () => {
    const broken = { customerId: 'c-1', phone: { number: '+4915112345678', status: 'paused' } };
    const write = profileWrite(broken, { phone: { number: '+4915112345678' } }, AT);
    expect(unreadableWrite('c-1', write)).toEqual([{ path: 'record.phone.status', message: expect.stringContaining('the stored record cannot take this profile') }]);
  });
});
