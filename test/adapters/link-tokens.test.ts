import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseKeyRing } from '../../functions/adapters/link-keys.js';
import { MAX_TOKEN_CHARS, signLink, verifyLink } from '../../functions/adapters/link-tokens.js';
import type { LinkClaims } from '../../functions/core/ports.js';
import { KEY_1, KEY_2, legacyUnsubscribeToken, ring } from '../support/link-keys.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const LATER = Date.parse('2027-03-01T00:00:00.000Z');
const unsubscribe: LinkClaims = { purpose: 'unsubscribe', customerId: 'c-1001', requestId: 'cart:2026-11-24.r1', topic: 'promotions', expiresAt: LATER };
const preferences: LinkClaims = { purpose: 'preferences', customerId: 'c-1001', expiresAt: LATER };
const k1 = ring('k1', { k1: KEY_1 });

describe('link tokens', () => {
  it('round-trips both purposes, naming the key that signed them', () => {
    for (const claims of [unsubscribe, preferences]) {
      const token = signLink(claims, k1);
      expect(token.split('.')[0]).toBe('k1');
      expect(verifyLink(token, claims.purpose, NOW, k1)).toEqual({ ok: true, claims });
    }
  });

  it('keeps links signed with a previous key working after a rotation, and refuses them once that key is removed', () => {
    const before = signLink(unsubscribe, k1);
    const rotated = ring('k2', { k2: KEY_2, k1: KEY_1 });
    expect(verifyLink(before, 'unsubscribe', NOW, rotated)).toMatchObject({ ok: true });
    expect(signLink(unsubscribe, rotated).split('.')[0]).toBe('k2');
    expect(verifyLink(before, 'unsubscribe', NOW, ring('k2', { k2: KEY_2 }))).toEqual({ ok: false, code: 'UNKNOWN_KEY' });
  });

  it('refuses a changed payload, a signature from another key under the same id, and a swapped key id', () => {
    const [id, payload, signature] = signLink(unsubscribe, k1).split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ p: 'u', c: 'c-2002', r: 'cart:2026-11-24.r1', t: 'promotions', e: LATER / 1000 })).toString('base64url');
    expect(verifyLink(`${id}.${forged}.${signature}`, 'unsubscribe', NOW, k1)).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyLink(signLink(unsubscribe, ring('k1', { k1: KEY_2 })), 'unsubscribe', NOW, k1)).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
    // The key id is signed too: the same key under another id does not verify.
    expect(verifyLink(`k9.${payload}.${signature}`, 'unsubscribe', NOW, ring('k9', { k9: KEY_1 }))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('expires at the second the claims say, and not before', () => {
    const token = signLink(unsubscribe, k1);
    expect(verifyLink(token, 'unsubscribe', new Date(LATER - 1_000), k1)).toMatchObject({ ok: true });
    expect(verifyLink(token, 'unsubscribe', new Date(LATER), k1)).toEqual({ ok: false, code: 'EXPIRED' });
  });

  it('checks the purpose: a preference link never unsubscribes, an unsubscribe link never opens preferences', () => {
    expect(verifyLink(signLink(preferences, k1), 'unsubscribe', NOW, k1)).toEqual({ ok: false, code: 'WRONG_PURPOSE' });
    expect(verifyLink(signLink(unsubscribe, k1), 'preferences', NOW, k1)).toEqual({ ok: false, code: 'WRONG_PURPOSE' });
  });

  it('says MALFORMED for anything not shaped like a token, without trying keys', () => {
    for (const token of ['', 'nope', 'a.b.c.d', 'k1.%%%.abc', 'bad id!.abc.def', 'x'.repeat(MAX_TOKEN_CHARS + 1)]) {
      expect(verifyLink(token, 'unsubscribe', NOW, k1)).toEqual({ ok: false, code: 'MALFORMED' });
    }
  });

  it('stays short enough for an SMS link: an unsubscribe token of typical ids is under 160 characters', () => {
    expect(signLink(unsubscribe, k1).length).toBeLessThan(160);
    expect(signLink(preferences, k1).length).toBeLessThan(90);
  });
});

describe('links sent before key ids existed', () => {
  const claims = { requestId: 'cart:2026-11-24.r1', customerId: 'c-1001', topic: 'promotions' };
  const plain = parseKeyRing(KEY_1);
  const original = plain.ok ? plain.ring : k1;

  it('are accepted for one-click unsubscribe when a key the secret holds signed them, with no expiry of their own', () => {
    const token = legacyUnsubscribeToken(claims, KEY_1);
    expect(verifyLink(token, 'unsubscribe', NOW, original)).toEqual({ ok: true, claims: { purpose: 'unsubscribe', ...claims, expiresAt: Number.MAX_SAFE_INTEGER } });
    // After a rotation that keeps the original key as k0.
    expect(verifyLink(token, 'unsubscribe', NOW, ring('k1', { k1: KEY_2, k0: KEY_1 }))).toMatchObject({ ok: true });
  });

  it('are refused unsigned, signed with a key the secret no longer holds, or for anything but unsubscribe', () => {
    expect(verifyLink(legacyUnsubscribeToken(claims), 'unsubscribe', NOW, original)).toEqual({ ok: false, code: 'MALFORMED' });
    expect(verifyLink(legacyUnsubscribeToken(claims, KEY_1), 'unsubscribe', NOW, ring('k1', { k1: KEY_2 }))).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyLink(legacyUnsubscribeToken(claims, KEY_1), 'preferences', NOW, original)).toEqual({ ok: false, code: 'WRONG_PURPOSE' });
  });

  it('cannot be made from a current token by merging away its key id', () => {
    const [id, payload, signature] = signLink(unsubscribe, k1).split('.') as [string, string, string];
    expect(verifyLink(`${id}${payload}.${signature}`, 'unsubscribe', NOW, k1)).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });
});

describe('link tokens under arbitrary claims', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9:._-]{1,128}$/);
  const claims = fc.oneof(
    fc.record({
      purpose: fc.constant('unsubscribe' as const),
      customerId: id,
      requestId: id,
      topic: fc.string({ minLength: 1, maxLength: 64 }),
      expiresAt: fc.integer({ min: LATER, max: LATER * 2 }),
    }),
    fc.record({ purpose: fc.constant('preferences' as const), customerId: id, expiresAt: fc.integer({ min: LATER, max: LATER * 2 }) }),
  );

  test.prop([claims], { seed: 11, numRuns: 300 })('verify what was signed, to the second', (input) => {
    const check = verifyLink(signLink(input, k1), input.purpose, NOW, k1);
    expect(check).toEqual({ ok: true, claims: { ...input, expiresAt: Math.floor(input.expiresAt / 1000) * 1000 } });
  });

  test.prop([claims, fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')], { seed: 12, numRuns: 300 })(
    'refuse a token with any one character changed',
    (input, at, replacement) => {
      const token = signLink(input, k1);
      const index = at % token.length;
      fc.pre(token[index] !== replacement && token[index] !== '.');
      const changed = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
      expect(verifyLink(changed, input.purpose, NOW, k1).ok).toBe(false);
    },
  );
});
