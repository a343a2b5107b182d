import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { MAX_TOKEN_CHARS } from '../core/links.js';
import type { LinkCheck, LinkClaims } from '../core/ports.js';
import { KEY_ID_PATTERN, type KeyRing } from './link-keys.js';

export { MAX_TOKEN_CHARS };

/**
 * A link token is `<key id>.<payload>.<signature>`, all base64url but the key id:
 * - the payload is JSON: purpose (`u` unsubscribe, `p` preferences), customer, for unsubscribe the
 *   request and topic, and the expiry in epoch seconds;
 * - the signature is HMAC-SHA256 over `<key id>.<payload>` with that key, cut to 128 bits (plenty
 *   for a tag, and links in SMS are shorter for it).
 * The key id lets the secret hold several keys, so a rotation never breaks links already sent.
 *
 * Links sent before key ids existed are `<payload>.<signature>` (the full HMAC of the payload,
 * which names request, customer and topic). They are accepted for one-click unsubscribe only,
 * and only when a key the secret holds signed them: never unsigned ones. They carry no expiry of
 * their own and work as long as that key is kept.
 */
const TAG_BYTES = 16;
const LEGACY_TAG_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** A legacy link carries no expiry: it works as long as the key that signed it is in the secret. */
const NO_EXPIRY = Number.MAX_SAFE_INTEGER;

const PURPOSE_CODES = { unsubscribe: 'u', preferences: 'p' } as const satisfies Record<LinkClaims['purpose'], string>;

const text = z.string().min(1).max(512);
const expiry = z.number().int().positive();
const payload = z.discriminatedUnion('p', [
  z.object({ p: z.literal('u'), c: text, r: text, t: text, e: expiry }).strict(),
  z.object({ p: z.literal('p'), c: text, e: expiry }).strict(),
]);
const legacyPayload = z.object({ r: z.string(), c: z.string(), t: z.string() });

export function signLink(claims: LinkClaims, ring: KeyRing): string {
  const key = ring.keys.get(ring.currentKeyId);
  if (key === undefined) throw new Error('the current key is not in the key ring');
  const e = Math.floor(claims.expiresAt / 1000);
  const body =
    claims.purpose === 'unsubscribe'
      ? { p: PURPOSE_CODES.unsubscribe, c: claims.customerId, r: claims.requestId, t: claims.topic, e }
      : { p: PURPOSE_CODES.preferences, c: claims.customerId, e };
  const encoded = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  return `${ring.currentKeyId}.${encoded}.${tag(key, `${ring.currentKeyId}.${encoded}`, TAG_BYTES)}`;
}

/** Whether a token has the shape of one of ours, checked before any key is fetched for it. */
export function looksLikeLinkToken(token: string): boolean {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return false;
  const parts = token.split('.');
  if (parts.length === 3) return KEY_ID_PATTERN.test(parts[0] as string) && BASE64URL.test(parts[1] as string) && BASE64URL.test(parts[2] as string);
  return parts.length === 2 && parts.every((part) => BASE64URL.test(part));
}

export function verifyLink(token: string, purpose: LinkClaims['purpose'], now: Date, ring: KeyRing): LinkCheck {
  if (!looksLikeLinkToken(token)) return { ok: false, code: 'MALFORMED' };
  const parts = token.split('.');
  if (parts.length === 2) return verifyLegacy(parts[0] as string, parts[1] as string, purpose, ring);
  const [keyId, encoded, signature] = parts as [string, string, string];
  const key = ring.keys.get(keyId);
  if (key === undefined) return { ok: false, code: 'UNKNOWN_KEY' };
  if (!sameTag(signature, tag(key, `${keyId}.${encoded}`, TAG_BYTES))) return { ok: false, code: 'BAD_SIGNATURE' };
  const parsed = payload.safeParse(decodeJson(encoded));
  if (!parsed.success) return { ok: false, code: 'MALFORMED' };
  const body = parsed.data;
  if (body.p !== PURPOSE_CODES[purpose]) return { ok: false, code: 'WRONG_PURPOSE' };
  const expiresAt = body.e * 1000;
  if (now.getTime() >= expiresAt) return { ok: false, code: 'EXPIRED' };
  const claims: LinkClaims =
    body.p === 'u' ? { purpose: 'unsubscribe', customerId: body.c, requestId: body.r, topic: body.t, expiresAt } : { purpose: 'preferences', customerId: body.c, expiresAt };
  return { ok: true, claims };
}

function verifyLegacy(encoded: string, signature: string, purpose: LinkClaims['purpose'], ring: KeyRing): LinkCheck {
  // Every key is tried: a legacy token names none. Each comparison takes the same time.
  const signed = [...ring.keys.values()].some((key) => sameTag(signature, tag(key, encoded, LEGACY_TAG_BYTES)));
  if (!signed) return { ok: false, code: 'BAD_SIGNATURE' };
  if (purpose !== 'unsubscribe') return { ok: false, code: 'WRONG_PURPOSE' };
  const parsed = legacyPayload.safeParse(decodeJson(encoded));
  if (!parsed.success) return { ok: false, code: 'MALFORMED' };
  const { r, c, t } = parsed.data;
  return { ok: true, claims: { purpose: 'unsubscribe', customerId: c, requestId: r, topic: t, expiresAt: NO_EXPIRY } };
}

function tag(key: string, input: string, bytes: number): string {
  return createHmac('sha256', key).update(input).digest().subarray(0, bytes).toString('base64url');
}

function sameTag(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function decodeJson(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
