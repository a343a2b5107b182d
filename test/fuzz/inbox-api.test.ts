import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { routeInbox } from '../../functions/inbox-api/routes.js';
import { jwtEvent } from '../support/http-events.js';
import { clock, CUSTOMER, expectClientAnswer, fakeFeedback, fakeInbox, KNOWN_REQUEST, KNOWN_SK } from './fakes.js';
import { expectUntouchedPrototypes, fuzz, hostileJson, hostileKey, hostileString, pathSegment, stringifyJson } from './hostile.js';

const deps = { inbox: fakeInbox, feedback: fakeFeedback, clock };
const log = { warn: () => undefined };

const anyMethod = fc.oneof(
  fc.constantFrom('GET', 'POST', 'get', 'post', 'DELETE', 'PUT', 'OPTIONS'),
  hostileString.filter((text) => text.length < 100),
);
const markPath = fc.oneof(
  fc.tuple(pathSegment, fc.constantFrom('read', 'clicked', 'dismissed', 'starred')).map(([id, action]) => `/inbox/${id}/${action}`),
  fc.constantFrom(KNOWN_REQUEST, encodeURIComponent(KNOWN_SK)).map((id) => `/inbox/${id}/read`),
);
/** Mostly a route the API serves, so the checks behind the routing run too. */
const route = fc.oneof(
  { arbitrary: fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/inbox', '/inbox/') }), weight: 3 },
  { arbitrary: fc.record({ method: fc.constant('POST'), path: markPath }), weight: 3 },
  { arbitrary: fc.record({ method: fc.constant('POST'), path: fc.constant('/events') }), weight: 3 },
  {
    arbitrary: fc.record({
      method: anyMethod,
      path: fc.oneof(
        fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
        hostileString,
      ),
    }),
    weight: 1,
  },
);
const cursor = fc.oneof(
  hostileString,
  hostileString.map((text) => Buffer.from(`2026-11-24T09:00:00.000Z#${text}`).toString('base64url')),
  fc.constant(Buffer.from(KNOWN_SK).toString('base64url')),
);
const query = fc.oneof(
  fc.constant(undefined),
  fc.record({ limit: fc.oneof(hostileString, fc.constantFrom('0', '1', '50', '51', '1e1', '0x10', ' 5', '-1', '5.0')), cursor }, { requiredKeys: [] }),
  fc.dictionary(hostileKey, hostileString, { maxKeys: 3 }),
);
const body = fc.oneof(
  fc.constant(undefined),
  hostileString,
  hostileJson.map((value) => stringifyJson(value) ?? 'null'),
  fc
    .record({ requestId: fc.oneof(hostileString, fc.constant(KNOWN_REQUEST)), event: fc.oneof(hostileString, fc.constantFrom('opened', 'clicked')) })
    .map((value) => JSON.stringify(value)),
);
const sub = fc.oneof({ arbitrary: fc.constant(CUSTOMER), weight: 8 }, { arbitrary: hostileString, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });

const request = fc
  .record({ route, query, body, sub, base64: fc.boolean(), stage: fc.constantFrom('$default', 'prod') })
  .map(({ route: { method, path }, query, body, sub, base64, stage }): APIGatewayProxyEventV2WithJWTAuthorizer => {
    const event = jwtEvent({ method, path: stage === 'prod' ? `/prod${path}` : path, ...(query ? { query } : {}), ...(sub === undefined ? {} : { sub }) });
    event.requestContext.stage = stage;
    if (body !== undefined) Object.assign(event, { body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body, isBase64Encoded: base64 });
    return event;
  });

describe('inbox API never throws and never answers 5xx', () => {
  test.prop([request], fuzz(300))('for any method, path, query, body and token subject', async (event) => {
    expectClientAnswer(await routeInbox(event, deps, log));
    expectUntouchedPrototypes();
  });

  test.prop([pathSegment], fuzz(200))('for any message id in the mark route', async (id) => {
    const response = await routeInbox(jwtEvent({ method: 'POST', path: `/inbox/${id}/read`, sub: CUSTOMER }), deps, log);
    expectClientAnswer(response);
    if (response.statusCode === 400) expect(JSON.parse(String(response.body)).error.problems.map((p: { path: string }) => p.path)).toEqual(['path.id']);
  });

  test.prop([fc.constantFrom('%', '%E0%A4%A', 'r-1%zz', '%ED%A0%80')], fuzz(4))('answers a malformed percent escape with a 400 naming the id', async (id) => {
    const response = await routeInbox(jwtEvent({ method: 'POST', path: `/inbox/${id}/read`, sub: CUSTOMER }), deps, log);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body)).error.problems).toEqual([{ path: 'path.id', message: 'id is not a valid percent-encoded path segment' }]);
  });
});
