import { fc, test } from '@fast-check/vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect } from 'vitest';
import { PermanentError } from '../../functions/core/errors.js';
import type { ConsentWriter } from '../../functions/core/ports.js';
import type { CustomerEraser, ProfileStore, StoredCustomer } from '../../functions/core/profile/ports.js';
import { type ProfileApiDeps, routeProfile } from '../../functions/profile-api/routes.js';
import { topicRegistrySchema } from '../../functions/core/topics.js';
import { iamEvent } from '../support/http-events.js';
import { clock, CUSTOMER, expectClientAnswer } from './fakes.js';
import {
  assertKey,
  deepValue,
  expectUntouchedPrototypes,
  fuzz,
  hostileJson,
  hostileKey,
  hostileString,
  nestedJsonText,
  pathSegment,
  pathsIn,
  protoObject,
  replaceAt,
  stringifyJson,
} from './hostile.js';

/** 400 KB, DynamoDB's item limit; the fakes refuse more as the table would. */
const MAX_ITEM_BYTES = 400 * 1024;

/**
 * What the document client and DynamoDB refuse in a stored value, thrown as they would throw it:
 * numbers past MAX_SAFE_INTEGER (the marshaller), empty keys and oversized items (DynamoDB).
 */
function assertStorable(value: unknown, name: string): void {
  if (Buffer.byteLength(stringifyJson(value) ?? '', 'utf8') > MAX_ITEM_BYTES) throw new PermanentError(`ValidationException: ${name} exceeds the item size`, 'ValidationException');
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'number' && (Math.abs(next) > Number.MAX_SAFE_INTEGER || (next !== 0 && Math.abs(next) < 1e-130))) throw new Error(`Number ${next} cannot be marshalled`);
    if (typeof next === 'object' && next !== null) {
      for (const [key, child] of Object.entries(next)) {
        if (key === '') throw new PermanentError(`ValidationException: empty attribute name in ${name}`, 'ValidationException');
        stack.push(child);
      }
    }
  }
}

const stored: StoredCustomer = { customerId: CUSTOMER, email: { address: 'fuzz@example.com', status: 'active' }, consent: { email: { '*': 'opt_in' } } };

const profiles: ProfileStore = {
  async get(customerId) {
    assertKey(customerId, 'customerId');
    return customerId === CUSTOMER ? structuredClone(stored) : undefined;
  },
  async replace(customerId, plan) {
    assertKey(customerId, 'customerId');
    const current = customerId === CUSTOMER ? structuredClone(stored) : undefined;
    const write = plan(current);
    assertStorable(write.set, 'profile');
    return { created: !current, record: { ...current, ...write.set, customerId } };
  },
  async applyContext(customerId, patch) {
    assertKey(customerId, 'customerId');
    assertStorable(patch, 'context');
    if (customerId !== CUSTOMER) throw new PermanentError('no customer with this id', 'UNKNOWN_CUSTOMER');
    return 'applied';
  },
};

const consent: ConsentWriter = {
  async apply(customerId, changes) {
    assertKey(customerId, 'customerId');
    for (const change of changes) {
      assertKey(change.topic, 'topic');
      expect(Number.isNaN(Date.parse(change.updatedAt))).toBe(false);
    }
    if (customerId !== CUSTOMER) throw new PermanentError('no customer with this id', 'UNKNOWN_CUSTOMER');
    return { applied: [...changes], stale: [] };
  },
};

const eraser: CustomerEraser = {
  async erase(customerId) {
    assertKey(customerId, 'customerId');
    return { profile: customerId === CUSTOMER, inboxItems: 0, deliveryRecords: 0, providerMessageIds: 0 };
  },
};

const registry = topicRegistrySchema.parse({
  formatVersion: 1,
  topics: [
    { id: 'promotions', name: 'Offers', description: 'Offers.', category: 'marketing', channels: ['email', 'sms', 'push', 'in_app'] },
    { id: 'order-updates', name: 'Orders', description: 'Orders.', category: 'transactional', channels: ['email', 'sms'], requiredOn: ['email'] },
  ],
});

const deps: ProfileApiDeps = { profiles, consent, eraser, registry, clock, log: { info: () => undefined, warn: () => undefined } };

const PROFILE = {
  locale: 'de-DE',
  timeZone: 'Europe/Berlin',
  attributes: { firstName: 'Lena', tags: ['vip'], sizes: { shoe: 39 } },
  email: { address: 'lena@example.com' },
  phone: { number: '+4915112345678' },
  push: [{ token: 'device-1', platform: 'APNS' }],
  inApp: { enabled: true },
  preferences: { preferredChannels: ['push'], quietHours: { start: '22:00', end: '07:00' } },
};
const CONTEXT = { surface: 'store', storeId: 'berlin-mitte', sessionActiveUntil: null, observedAt: '2026-11-24T11:00:00Z' };
const CONSENT = { source: 'crm-sync', changes: [{ channel: 'email', topic: 'promotions', value: 'opt_out', updatedAt: '2026-11-24T11:00:00Z' }] };

/** A valid document with one value, anywhere in it, replaced by something hostile. */
const mutated = (fixture: unknown) =>
  fc
    .record({ path: fc.constantFrom(...pathsIn(fixture)), value: fc.oneof(hostileJson, deepValue, protoObject, fc.constantFrom(2 ** 53, -1e-200, 1e300, '', null)) })
    .map(({ path, value }) => replaceAt(fixture, path, value));

const customerSegment = fc.oneof({ arbitrary: fc.constant(CUSTOMER), weight: 3 }, { arbitrary: pathSegment, weight: 2 });
const route = fc.oneof(
  {
    arbitrary: fc.record({ method: fc.constantFrom('GET', 'PUT', 'DELETE'), path: customerSegment.map((id) => `/customers/${id}`), body: fc.oneof(mutated(PROFILE), hostileJson) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ method: fc.constant('PATCH'), path: customerSegment.map((id) => `/customers/${id}/context`), body: fc.oneof(mutated(CONTEXT), hostileJson) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ method: fc.constant('POST'), path: customerSegment.map((id) => `/customers/${id}/consent`), body: fc.oneof(mutated(CONSENT), hostileJson) }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      method: fc.oneof(
        fc.constantFrom('GET', 'POST', 'patch', 'OPTIONS'),
        hostileString.filter((m) => m.length < 100),
      ),
      path: fc.oneof(
        fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
        hostileString,
      ),
      body: hostileJson,
    }),
    weight: 1,
  },
);

/** The JSON text of a value, or, for one too deep for JSON.stringify, a text as deep that JSON.parse still reads. */
function jsonText(value: unknown): string | null {
  try {
    return stringifyJson(value) ?? null;
  } catch {
    return nestedJsonText(20_000, 'object');
  }
}

function eventOf(method: string, path: string, text: string | null, options: { base64?: boolean; stage?: string } = {}): APIGatewayProxyEvent {
  const stage = options.stage ?? 'prod';
  const event = iamEvent({ method, path: stage === 'prod' ? `/prod${path}` : path });
  event.requestContext.stage = stage;
  if (text !== null) Object.assign(event, { body: options.base64 ? Buffer.from(text, 'utf8').toString('base64') : text, isBase64Encoded: options.base64 ?? false });
  return event;
}

const request = fc
  .record({ route, rawBody: fc.option(hostileString, { freq: 5 }), base64: fc.boolean(), stage: fc.constantFrom('prod', '$default') })
  .map(({ route: { method, path, body }, rawBody, base64, stage }) => eventOf(method, path, rawBody ?? jsonText(body), { base64, stage }));

describe('profile API never throws and never answers 5xx', () => {
  test.prop([request], fuzz(400))('for any method, path and body', async (event) => {
    expectClientAnswer(await routeProfile(event, deps));
    expectUntouchedPrototypes();
  });

  test.prop([mutated(PROFILE)], fuzz(200))('a profile with any one value replaced is stored, or refused with the path of the problem', async (profile) => {
    const response = await routeProfile(eventOf('PUT', `/customers/${CUSTOMER}`, jsonText(profile)), deps);
    expectClientAnswer(response);
    if (response.statusCode === 400) {
      for (const problem of JSON.parse(String(response.body)).error.problems as { path: string }[]) expect(problem.path).toMatch(/^body/);
    }
  });

  test.prop([fc.dictionary(hostileKey, fc.oneof(hostileJson, fc.constantFrom(2 ** 60, 1e-300)), { maxKeys: 4 })], fuzz(150))('any attributes document', async (attributes) => {
    expectClientAnswer(await routeProfile(eventOf('PUT', `/customers/${CUSTOMER}`, jsonText({ attributes })), deps));
    expectUntouchedPrototypes();
  });
});
