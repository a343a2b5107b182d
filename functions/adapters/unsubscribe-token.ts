import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a one-click unsubscribe link identifies: the message, its customer and the consent topic. */
export interface UnsubscribeClaims {
  requestId: string;
  customerId: string;
  topic: string;
}

/**
 * `<payload>` or, with a secret, `<payload>.<signature>` (HMAC-SHA256), both base64url. Without a
 * secret anyone who knows a customer id could unsubscribe that customer, so production sets one;
 * the unsigned form exists for local mode and previews.
 */
export function createUnsubscribeToken(claims: UnsubscribeClaims, secret?: string): string {
  const payload = Buffer.from(JSON.stringify({ r: claims.requestId, c: claims.customerId, t: claims.topic }), 'utf8').toString('base64url');
  return secret ? `${payload}.${sign(payload, secret)}` : payload;
}

/** The claims of a genuine token, or undefined when it is malformed or (with a secret) not signed by us. */
export function readUnsubscribeToken(token: string, secret?: string): UnsubscribeClaims | undefined {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || rest.length > 0) return undefined;
  if (secret) {
    const expected = Buffer.from(sign(payload, secret));
    const given = Buffer.from(signature ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  }
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { r, c, t } = parsed;
    return typeof r === 'string' && typeof c === 'string' && typeof t === 'string' ? { requestId: r, customerId: c, topic: t } : undefined;
  } catch {
    return undefined;
  }
}

export function unsubscribeUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
