import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { createUnsubscribeToken } from '../../functions/adapters/unsubscribe-token.js';
import { isWellFormed } from '../../functions/core/problem-bounds.js';
import { routeUnsubscribe } from '../../functions/unsubscribe/routes.js';
import { jwtEvent } from '../support/http-events.js';
import { CUSTOMER, expectClientAnswer, fakeFeedback, KNOWN_REQUEST } from './fakes.js';
import { expectUntouchedPrototypes, fuzz, hostileString } from './hostile.js';

const SECRET = 'fuzz-signing-secret';
const claimText = fc.oneof({ arbitrary: hostileString, weight: 2 }, { arbitrary: fc.constantFrom(KNOWN_REQUEST, CUSTOMER, 'promotions'), weight: 1 });
/** Claims of any content, signed with our secret, another one or not at all: a token is just text. */
const token = fc.oneof(
  hostileString,
  fc
    .record({ requestId: claimText, customerId: claimText, topic: claimText, secret: fc.constantFrom(SECRET, 'another-secret', undefined) })
    .filter(({ requestId, customerId, topic }) => [requestId, customerId, topic].every(isWellFormed))
    .map(({ secret, ...claims }) => createUnsubscribeToken(claims, secret)),
  fc.constant(createUnsubscribeToken({ requestId: KNOWN_REQUEST, customerId: CUSTOMER, topic: 'promotions' }, SECRET)),
);
const body = fc.oneof(fc.constant(undefined), fc.constant('List-Unsubscribe=One-Click'), hostileString);

const request = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT'), hostileString.filter((m) => m.length < 100)),
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
      } as unknown as APIGatewayProxyEventV2,
      secret: signed ? SECRET : undefined,
    };
  });

describe('one-click unsubscribe never throws and never answers 5xx', () => {
  test.prop([request], fuzz(300))('for any method, token, body and Accept header, with or without a signing secret', async ({ event, secret }) => {
    const response = await routeUnsubscribe(event, { feedback: fakeFeedback, log: { info: () => undefined }, ...(secret ? { secret } : {}) });
    expectClientAnswer(response);
    expectUntouchedPrototypes();
  });

  test.prop([fc.constantFrom('c'.repeat(3_000), 'x'.repeat(300_000))], fuzz(2))('refuses an unsigned token whose ids could never be keys', async (customerId) => {
    const event = jwtEvent({ method: 'POST', path: '/unsubscribe', query: { token: createUnsubscribeToken({ requestId: KNOWN_REQUEST, customerId, topic: 'promotions' }) } });
    const response = await routeUnsubscribe({ ...event, body: 'List-Unsubscribe=One-Click' } as unknown as APIGatewayProxyEventV2, { feedback: fakeFeedback, log: { info: () => undefined } });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body)).error.problems.map((p: { path: string }) => p.path)).toEqual(['query.token']);
  });
});
