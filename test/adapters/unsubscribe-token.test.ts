import { describe, expect, it } from 'vitest';
import { createUnsubscribeToken, readUnsubscribeToken, unsubscribeUrl } from '../../functions/adapters/unsubscribe-token.js';

const claims = { requestId: 'r-1', customerId: 'c-1', topic: 'promotions' };

describe('unsubscribe tokens', () => {
  it('round-trips signed tokens and refuses tampered or unsigned ones when a secret is set', () => {
    const token = createUnsubscribeToken(claims, 's3cret');
    expect(readUnsubscribeToken(token, 's3cret')).toEqual(claims);
    const [payload] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ r: 'r-1', c: 'c-2', t: 'promotions' })).toString('base64url');
    expect(readUnsubscribeToken(`${forged}.${token.split('.')[1]}`, 's3cret')).toBeUndefined();
    expect(readUnsubscribeToken(payload as string, 's3cret')).toBeUndefined();
  });

  it('reads unsigned tokens only when no secret is configured', () => {
    const token = createUnsubscribeToken(claims);
    expect(token).not.toContain('.');
    expect(readUnsubscribeToken(token)).toEqual(claims);
    expect(readUnsubscribeToken('%%%')).toBeUndefined();
  });

  it('adds the token to a base URL that may already carry a query', () => {
    expect(unsubscribeUrl('https://shop.example/u?lang=de', 'abc')).toBe('https://shop.example/u?lang=de&token=abc');
  });
});
