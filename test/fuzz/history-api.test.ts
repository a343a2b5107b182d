import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { routeHistory } from '../../functions/history-api/routes.js';
import { iamEvent } from '../support/http-events.js';
import { CUSTOMER, expectClientAnswer, fakeHistory, KNOWN_REQUEST } from './fakes.js';
import { expectUntouchedPrototypes, fuzz, hostileKey, hostileString, pathSegment } from './hostile.js';

const deps = { history: fakeHistory, deliveries: fakeHistory, log: { info: () => undefined } };

const customerSegment = fc.oneof({ arbitrary: fc.constant(CUSTOMER), weight: 2 }, { arbitrary: pathSegment, weight: 3 });
const path = fc.oneof(
  { arbitrary: customerSegment.map((id) => `/customers/${id}/deliveries`), weight: 4 },
  { arbitrary: fc.oneof(fc.constant(KNOWN_REQUEST), pathSegment).map((id) => `/requests/${id}`), weight: 2 },
  { arbitrary: fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`), weight: 1 },
  { arbitrary: hostileString, weight: 1 },
);
const cursor = fc.oneof(
  hostileString,
  fc.array(fc.oneof(hostileString, fc.constant(CUSTOMER)), { minLength: 3, maxLength: 3 }).map((keys) => Buffer.from(JSON.stringify(keys)).toString('base64url')),
  fc.constant(Buffer.from(JSON.stringify(['r-known', CUSTOMER, '2026-11-24T09:00:00.000Z'])).toString('base64url')),
);
const query = fc.oneof(
  fc.constant(undefined),
  fc.record({ limit: fc.oneof(hostileString, fc.constantFrom('1', '100', '101', '0', '1e2', '-1')), cursor }, { requiredKeys: [] }),
  fc.dictionary(hostileKey, hostileString, { maxKeys: 3 }),
);
const method = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 5 },
  { arbitrary: fc.constantFrom('POST', 'get', 'DELETE'), weight: 1 },
  { arbitrary: hostileString.filter((m) => m.length < 100), weight: 1 },
);

const request = fc.record({ method, path, query, stage: fc.constantFrom('prod', '$default') }).map(({ method, path, query, stage }): APIGatewayProxyEvent => {
  const event = iamEvent({ method, path: stage === 'prod' ? `/prod${path}` : path, ...(query ? { query } : {}) });
  event.requestContext.stage = stage;
  return event;
});

describe('history API never throws and never answers 5xx', () => {
  test.prop([request], fuzz(300))('for any method, path and query', async (event) => {
    expectClientAnswer(await routeHistory(event, deps));
    expectUntouchedPrototypes();
  });

  test.prop([fc.constantFrom('%', '%E0%A4%A', 'c-1%zz', '%ED%A0%80', '%C0%AF')], fuzz(5))('answers a malformed percent escape with a 400 naming the customer id', async (id) => {
    const response = await routeHistory(iamEvent({ method: 'GET', path: `/customers/${id}/deliveries` }), deps);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body)).error.problems).toEqual([{ path: 'path.customerId', message: 'customerId is not a valid percent-encoded path segment' }]);
  });
});
