import { createHmac } from 'node:crypto';
import type { KeyRing } from '../../functions/adapters/link-keys.js';

/** Keys for tests: long enough for the parser, plainly not production keys. */
export const KEY_1 = 'test-link-key-one-0123456789abcdefghijklmnop';
export const KEY_2 = 'test-link-key-two-0123456789abcdefghijklmnop';

export function ring(currentKeyId: string, keys: Record<string, string>): KeyRing {
  return { currentKeyId, keys: new Map(Object.entries(keys)) };
}

/** The secret's JSON form, as an operator writes it when rotating. */
export function keyedSecret(currentKeyId: string, keys: Record<string, string>): string {
  return JSON.stringify({ currentKeyId, keys });
}

/**
 * A link in the format sent before key ids existed: `<payload>.<HMAC-SHA256 of the payload>`, or
 * the payload alone when the sender had no secret. Made here only: nothing signs this format now.
 */
export function legacyUnsubscribeToken(claims: { requestId: string; customerId: string; topic: string }, key?: string): string {
  const payload = Buffer.from(JSON.stringify({ r: claims.requestId, c: claims.customerId, t: claims.topic }), 'utf8').toString('base64url');
  return key === undefined ? payload : `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}
