import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { signLink } from '../../functions/adapters/link-tokens.js';
import { isWellFormed } from '../../functions/core/problem-bounds.js';
import { routeUnsubscribe } from '../../functions/unsubscribe/routes.js';
import { jwtEvent } from '../support/http-events.js';
import { CUSTOMER, expectClientAnswer, fakeFeedback, KNOWN_REQUEST } from './fakes.js';
import { KEY_1, KEY_2, legacyUnsubscribeToken, ring } from '../support/link-keys.js';
import { expectUntouchedPrototypes, fuzz, hostileString } from './hostile.js';

const OURS = ring('k1', { k1: KEY_1 });
const EXPIRES = Date.parse('2027-12-29T12:00:00.000Z');
const claimText = fc.oneof({ arbitrary: hostileString, weight: 2 }, { arbitrary: fc.constantFrom(KNOWN_REQUEST, CUSTOMER, 'promotions'), weight: 1 });
/**
 * Claims of any content in every format: signed with our key or another under the same id, for
 * either purpose, expired or not, or in the legacy format signed or unsigned. A token is just text.
 */
const token = fc.oneof(
  hostileString,
  fc
    .record({
      requestId: claimText,
      customerId: claimText,
      topic: claimText,
      key: fc.constantFrom(KEY_1, KEY_2, undefined),
      purpose: fc.constantFrom('unsubscribe' as const, 'preferences' as const),
      expiresAt: fc.constantFrom(EXPIRES, 1_000),
      legacy: fc.boolean(),
    })
    .filter(({ requestId, customerId, topic }) => [requestId, customerId, topic].every(isWellFormed))
    .map(({ key, purpose, expiresAt, legacy, ...claims }) =>
      legacy || key === undefined
        ? legacyUnsubscribeToken(claims, key)
        : signLink(purpose === 'unsubscribe' ? { purpose, ...claims, expiresAt } : { purpose, customerId: claims.customerId, expiresAt }, ring('k1', { k1: key })),
    ),
  fc.constant(signLink({ purpose: 'unsubscribe', requestId: KNOWN_REQUEST, customerId: CUSTOMER, topic: 'promotions', expiresAt: EXPIRES }, OURS)),
);
const log = { info: () => undefined, error: () => undefined };
const body = fc.oneof(fc.constant(undefined), fc.constant('List-Unsubscribe=One-Click'), hostileString);

const request = fc
  .record({
    method: fc.oneof(
      fc.constantFrom('GET', 'POST', 'PUT'),
      hostileString.filter((m) => m.length < 100),
    ),
    token: fc.option(token, { nil: undefined }),
    body,
    base64: fc.boolean(),
    accept: fc.constantFrom(undefined, 'text/html,application/xhtml+xml', 'application/json', '*/*'),
    signed: fc.boolean(),
  })
  .map(({ method, token, body, base64, accept, signed }) => {
    const event = jwtEvent({ method, path: '/unsubscribe', ...(token === undefined ? {} : { query: { token } }) });
    const { authorizer: _none, ...requestContext } = event.requestContext;
    return {
      event: {
        ...event,
        requestContext,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) },
        ...(body === undefined ? {} : { body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body }),
        isBase64Encoded: base64,
      },
      signed,
    };
  });

describe('one-click unsubscribe never throws and never answers 5xx', () => {
  test.prop([request], fuzz(300))('for any method, token, body and Accept header, with or without signing keys', async ({ event, signed }) => {
    const response = await routeUnsubscribe(event, { feedback: fakeFeedback, log, links: new MemoryLinkSigner(signed ? OURS : undefined) });
    expectClientAnswer(response);
    expectUntouchedPrototypes();
  });

  test.prop([fc.constantFrom('c'.repeat(3_000), 'x'.repeat(300_000))], fuzz(2))('refuses a signed token whose ids could never be keys', async (customerId) => {
    const signed = signLink({ purpose: 'unsubscribe', requestId: KNOWN_REQUEST, customerId, topic: 'promotions', expiresAt: EXPIRES }, OURS);
    const event = jwtEvent({ method: 'POST', path: '/unsubscribe', query: { token: signed } });
    const response = await routeUnsubscribe({ ...event, body: 'List-Unsubscribe=One-Click' }, { feedback: fakeFeedback, log, links: new MemoryLinkSigner(OURS) });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body)).error.problems.map((p: { path: string }) => p.path)).toEqual(['query.token']);
  });
});
