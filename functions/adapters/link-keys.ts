import * as z from 'zod';

/** The keys links are signed and checked with: new links use `current`, every key in `keys` is accepted. */
export interface KeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, string>;
}

/** Error codes of the signers: nothing usable is configured (permanent), or the keys cannot be read now (retryable). */
export const LINKS_NOT_CONFIGURED = 'LINKS_NOT_CONFIGURED';
export const LINK_KEYS_UNAVAILABLE = 'LINK_KEYS_UNAVAILABLE';

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** HMAC-SHA256 keys shorter than this are guessable; the stack generates 64 characters. */
export const MIN_KEY_CHARS = 32;
/** The id a secret holding a single plain key is known by, in the tokens it signs. */
export const PLAIN_KEY_ID = 'k0';

const keyId = z.string().regex(KEY_ID_PATTERN, 'must be 1-32 of A-Z a-z 0-9 _ -');
const key = z.string().min(MIN_KEY_CHARS, `must be at least ${MIN_KEY_CHARS} characters`);
const keyedSecret = z
  .object({ currentKeyId: keyId, keys: z.record(keyId, key) })
  .strict()
  .refine((secret) => Object.hasOwn(secret.keys, secret.currentKeyId), { message: 'currentKeyId must name one of keys', path: ['currentKeyId'] });

export type KeyRingParse = { ok: true; ring: KeyRing } | { ok: false; problems: string[] };

/**
 * Reads the signing secret. Two forms:
 * - JSON `{"currentKeyId":"k1","keys":{"k1":"…","k0":"…"}}`: the form keys are rotated in;
 * - a plain string: one key, known as `k0`. CloudFormation can only generate a flat value, and a
 *   stack deployed before key ids existed holds one, so that key keeps working under an id.
 * Problems never quote the secret.
 */
export function parseKeyRing(secret: string): KeyRingParse {
  const text = secret.trim();
  if (!text.startsWith('{')) {
    if (text.length < MIN_KEY_CHARS) return { ok: false, problems: [`a plain key must be at least ${MIN_KEY_CHARS} characters`] };
    if (/\s/.test(text)) return { ok: false, problems: ['a plain key may not contain whitespace'] };
    return { ok: true, ring: { currentKeyId: PLAIN_KEY_ID, keys: new Map([[PLAIN_KEY_ID, text]]) } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['the secret starts like JSON but is not valid JSON'] };
  }
  const parsed = keyedSecret.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(secret)'} ${issue.message}`) };
  return { ok: true, ring: { currentKeyId: parsed.data.currentKeyId, keys: new Map(Object.entries(parsed.data.keys)) } };
}
