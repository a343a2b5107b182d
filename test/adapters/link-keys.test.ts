import { describe, expect, it } from 'vitest';
import { parseKeyRing, PLAIN_KEY_ID } from '../../functions/adapters/link-keys.js';
import { KEY_1, KEY_2, keyedSecret } from '../support/link-keys.js';

describe('the link signing secret', () => {
  it('takes a plain generated value as one key, k0, so a stack deployed before key ids keeps its links', () => {
    const parsed = parseKeyRing(`${KEY_1}\n`);
    expect(parsed).toEqual({ ok: true, ring: { currentKeyId: PLAIN_KEY_ID, keys: new Map([['k0', KEY_1]]) } });
  });

  it('takes the JSON form: the current key id and every key still accepted', () => {
    const parsed = parseKeyRing(keyedSecret('k2', { k2: KEY_2, k0: KEY_1 }));
    expect(parsed).toEqual({
      ok: true,
      ring: {
        currentKeyId: 'k2',
        keys: new Map([
          ['k2', KEY_2],
          ['k0', KEY_1],
        ]),
      },
    });
  });

  it('refuses what it cannot sign safely with, naming each problem and never quoting a key', () => {
    const cases: [string, RegExp][] = [
      ['too-short', /at least 32 characters/],
      [`${KEY_1} ${KEY_2}`, /whitespace/],
      ['{"currentKeyId":', /not valid JSON/],
      [keyedSecret('k3', { k1: KEY_1 }), /currentKeyId must name one of keys/],
      [keyedSecret('k1', { k1: 'short-key' }), /keys\.k1 must be at least 32 characters/],
      [keyedSecret('bad id', { 'bad id': KEY_1 }), /currentKeyId must be 1-32/],
      [JSON.stringify({ currentKeyId: 'k1', keys: { k1: KEY_1 }, extra: KEY_2 }), /Unrecognized key/],
    ];
    for (const [secret, problem] of cases) {
      const parsed = parseKeyRing(secret);
      expect(parsed.ok, secret).toBe(false);
      const text = parsed.ok ? '' : parsed.problems.join('; ');
      expect(text).toMatch(problem);
      expect(text).not.toContain(KEY_1);
      expect(text).not.toContain(KEY_2);
      expect(text).not.toContain('short-key');
    }
  });
});
