import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { findTopic } from '../../functions/core/topics.js';
import type { PreferenceCentreDeps } from '../../functions/preferences/centre.js';
import { routePreferences } from '../../functions/preferences/routes.js';
import { PREFERENCE_REGISTRY } from '../fixtures/preference-registry.js';
import { jwtEvent } from '../support/http-events.js';
import { MemoryConsentWriter } from '../support/memory-consent-writer.js';
import { clock, CUSTOMER, expectClientAnswer } from './fakes.js';
import { assertKey, expectUntouchedPrototypes, fuzz, hostileJson, hostileKey, hostileString, stringifyJson } from './hostile.js';

const links = new MemoryLinkSigner({ currentKeyId: 'k1', keys: new Map([['k1', 'fuzz-preference-signing-key-0123456789']]) });
const validToken = await links.sign({ purpose: 'preferences', customerId: CUSTOMER, expiresAt: clock.now().getTime() + 86_400_000 });

/** Customers and consent as DynamoDB would take them: a key or topic it would refuse throws. */
function deps(): PreferenceCentreDeps {
  const customers = new MemoryCustomerDirectory([
    { customerId: CUSTOMER, email: { address: 'f@example.com', status: 'active' }, phone: { number: '+447700900999' }, consent: { email: { '*': 'opt_in' } } },
  ]);
  const writer = new MemoryConsentWriter(customers);
  return {
    customers: {
      getMany: async (ids) => {
        for (const id of ids) assertKey(id, 'customerId');
        return customers.getMany(ids);
      },
    },
    consent: {
      apply: async (customerId, changes) => {
        assertKey(customerId, 'customerId');
        for (const change of changes) expect(findTopic(PREFERENCE_REGISTRY, change.topic)?.channels).toContain(change.channel);
        return writer.apply(customerId, changes);
      },
    },
    registry: PREFERENCE_REGISTRY,
    clock,
    links,
    brand: 'Fernhill <&> "Co"',
    log: { info: () => undefined, warn: () => undefined },
  };
}

const cell = fc.oneof(
  fc.tuple(fc.constantFrom('email', 'sms', 'push', 'in_app', 'fax'), fc.constantFrom('promotions', 'newsletter', 'order-updates', '*', '__proto__')).map(([c, t]) => `${c}:${t}`),
  hostileString,
);
const formField = fc.oneof(
  fc.tuple(fc.constant('token'), fc.oneof(fc.constant(validToken), hostileString)),
  fc.tuple(fc.constant('action'), fc.oneof(fc.constantFrom('save', 'no-marketing:email', 'no-marketing:fax', 'no-marketing:'), hostileString)),
  fc.tuple(fc.constant('on'), cell),
  fc.tuple(
    fc.constant('shown'),
    fc.tuple(cell, fc.constantFrom(':on', ':off', ':maybe', '')).map(([c, s]) => c + s),
  ),
  fc.tuple(hostileKey, hostileString),
);
const formBody = fc.oneof(
  fc.array(formField, { maxLength: 12 }).map((fields) => new URLSearchParams(fields).toString()),
  hostileString,
);
const jsonBody = fc.oneof(
  hostileJson.map((value) => stringifyJson(value) ?? 'null'),
  fc
    .record(
      {
        topics: fc.dictionary(
          fc.oneof(fc.constantFrom('promotions', 'order-updates', '*', '__proto__'), hostileKey),
          fc.dictionary(fc.oneof(fc.constantFrom('email', 'sms', 'push', 'in_app'), hostileKey), fc.oneof(fc.boolean(), hostileJson), { maxKeys: 4 }),
          { maxKeys: 4 },
        ),
        noMarketingOn: fc.array(fc.oneof(fc.constantFrom('email', 'sms'), hostileString), { maxLength: 6 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  hostileString,
);

const request = fc
  .record({
    path: fc.oneof({ arbitrary: fc.constantFrom('/preference-centre', '/preferences', '/preferences/', '/prod/preferences'), weight: 6 }, { arbitrary: hostileString, weight: 1 }),
    method: fc.oneof(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      hostileString.filter((m) => m.length < 100),
    ),
    token: fc.option(fc.oneof(fc.constant(validToken), hostileString), { nil: undefined }),
    body: fc.option(fc.oneof(formBody, jsonBody), { nil: undefined }),
    sub: fc.oneof({ arbitrary: fc.constant(CUSTOMER), weight: 6 }, { arbitrary: hostileString, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    base64: fc.boolean(),
  })
  .map(({ path, method, token, body, sub, base64 }): APIGatewayProxyEventV2WithJWTAuthorizer => {
    const event = jwtEvent({ method, path, ...(token === undefined ? {} : { query: { token } }), ...(sub === undefined ? {} : { sub }) });
    if (body !== undefined) Object.assign(event, { body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body, isBase64Encoded: base64 });
    return event;
  });

describe('the preference routes never throw and never answer 5xx', () => {
  test.prop([request], fuzz(400))('for any route, method, token, form or JSON body and token subject', async (event) => {
    expectClientAnswer(await routePreferences(event, deps()));
    expectUntouchedPrototypes();
  });

  test.prop([formBody], fuzz(300))('for any form posted with a valid link, writing only registry topics on their channels', async (body) => {
    const form = new URLSearchParams(body);
    if (!form.has('token')) form.set('token', validToken);
    const event = jwtEvent({ method: 'POST', path: '/preference-centre', body: form.toString() });
    const response = await routePreferences(event, deps());
    expectClientAnswer(response);
    expect([303, 400]).toContain(response.statusCode);
  });
});
