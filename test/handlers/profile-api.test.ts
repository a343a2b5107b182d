import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConsentWriter } from '../../functions/adapters/dynamo-consent-writer.js';
import { DynamoCustomerEraser } from '../../functions/adapters/dynamo-customer-eraser.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoProfileStore } from '../../functions/adapters/dynamo-profile-store.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import type { Customer } from '../../functions/core/model.js';
import { type TopicRegistry, topicRegistrySchema } from '../../functions/core/topics.js';
import { type ProfileApiDeps, routeProfile } from '../../functions/profile-api/routes.js';
import { iamEvent } from '../support/http-events.js';
import { body, deliver } from '../support/inbox-world.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const REGISTRY: TopicRegistry = topicRegistrySchema.parse({
  formatVersion: 1,
  topics: [
    { id: 'promotions', name: 'Offers', description: 'Offers and reminders.', category: 'marketing', channels: ['email', 'sms', 'push', 'in_app'] },
    { id: 'newsletter', name: 'Newsletter', description: 'A monthly letter.', category: 'marketing', channels: ['email'] },
    { id: 'order-updates', name: 'Your orders', description: 'Shipping news.', category: 'transactional', channels: ['email', 'sms', 'push', 'in_app'], requiredOn: ['email'] },
  ],
});

let local: LocalTables;
let deps: ProfileApiDeps;
const audit: { message: string; fields: Record<string, unknown> }[] = [];

beforeAll(async () => {
  local = await localTables('profile');
  deps = {
    profiles: new DynamoProfileStore(local.doc, { tableName: local.tables.customers }),
    consent: new DynamoConsentWriter(local.doc, { tableName: local.tables.customers }),
    eraser: new DynamoCustomerEraser(local.doc, { tables: local.tables, pseudonym: () => 'erased:test-pseudonym' }),
    registry: REGISTRY,
    clock: fixedClock(NOW),
    log: { info: (message: string, fields: Record<string, unknown>) => audit.push({ message, fields }), warn: () => undefined },
  };
});
afterAll(() => local.client.destroy());

const call = (method: string, path: string, payload?: unknown) => routeProfile(iamEvent({ method, path, ...(payload === undefined ? {} : { body: payload }) }), deps);

async function stored(customerId: string): Promise<Record<string, unknown> | undefined> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }))).Item;
}

function problems(response: APIGatewayProxyStructuredResultV2): { path: string; message: string }[] {
  return body<{ error: { problems: { path: string; message: string }[] } }>(response).error.problems;
}

describe('PUT and GET /customers/{customerId}', () => {
  it('creates a customer (201), then GET answers the record', async () => {
    const profile = {
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      attributes: { firstName: 'Lena', tier: 'gold', sizes: { shoe: 39 } },
      email: { address: 'lena@example.com' },
      phone: { number: '+4915112345678' },
      push: [{ token: 'lena-iphone', platform: 'APNS' }],
      inApp: { enabled: true },
      preferences: { preferredChannels: ['push', 'email'], quietHours: { start: '22:00', end: '07:30' } },
    };
    const created = await call('PUT', '/customers/c-new', profile);
    expect(created.statusCode).toBe(201);
    const expected = {
      customerId: 'c-new',
      ...profile,
      email: { address: 'lena@example.com', status: 'active', updatedAt: NOW.toISOString() },
      phone: { number: '+4915112345678', status: 'active', updatedAt: NOW.toISOString() },
      push: [{ token: 'lena-iphone', platform: 'APNS', status: 'active', updatedAt: NOW.toISOString() }],
    };
    expect(body(created)).toEqual(expected);
    const read = await call('GET', '/customers/c-new');
    expect(read.statusCode).toBe(200);
    expect(body(read)).toEqual(expected);
    expect(audit).toContainEqual({
      message: 'profile written',
      fields: { caller: 'arn:aws:sts::123456789012:assumed-role/customer-service/agent', customerId: 'c-new', created: true },
    });
  });

  it('a replace (200) keeps what Switchboard learned: suppressed addresses, token state, consent, engagement, context, other systems’ attributes', async () => {
    const before = {
      customerId: 'c-replace',
      locale: 'en-GB',
      attributes: { firstName: 'Old' },
      email: { address: 'Sam@Example.com', status: 'suppressed', reason: 'bounced', updatedAt: '2026-11-01T00:00:00.000Z', source: 'ses_bounce' },
      phone: { number: '+447700900123', status: 'suppressed', reason: 'opted_out', updatedAt: '2026-11-02T00:00:00.000Z' },
      push: [
        { token: 'dead-token', platform: 'GCM', status: 'suppressed', reason: 'invalid', updatedAt: '2026-11-03T00:00:00.000Z' },
        { token: 'gone-token', platform: 'GCM', status: 'active' },
      ],
      preferences: { preferredChannels: ['sms'] },
      consent: { email: { promotions: { value: 'opt_in', updatedAt: '2026-10-01T00:00:00.000Z', source: 'preference_centre' } } },
      engagement: { email: { delivered: 3 } },
      context: { surface: 'app', observedAt: '2026-11-24T11:00:00.000Z' },
      loyaltySystemId: 'L-77',
    };
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: before }));
    const replaced = await call('PUT', '/customers/c-replace', {
      customerId: 'c-replace',
      attributes: { firstName: 'Sam' },
      email: { address: 'sam@example.com' },
      phone: { number: '+447700900999' },
      push: [
        { token: 'dead-token', platform: 'APNS' },
        { token: 'new-token', platform: 'GCM' },
      ],
    });
    expect(replaced.statusCode).toBe(200);
    const after = await stored('c-replace');
    expect(after).toEqual({
      customerId: 'c-replace',
      attributes: { firstName: 'Sam' },
      // The same address in other letters: still bounced. A new number starts active.
      email: { address: 'sam@example.com', status: 'suppressed', reason: 'bounced', updatedAt: '2026-11-01T00:00:00.000Z', source: 'ses_bounce' },
      phone: { number: '+447700900999', status: 'active', updatedAt: NOW.toISOString() },
      push: [
        { token: 'dead-token', platform: 'APNS', status: 'suppressed', reason: 'invalid', updatedAt: '2026-11-03T00:00:00.000Z' },
        { token: 'new-token', platform: 'GCM', status: 'active', updatedAt: NOW.toISOString() },
      ],
      consent: before.consent,
      engagement: before.engagement,
      context: before.context,
      loyaltySystemId: 'L-77',
    });
    expect(body(replaced)).toEqual(after);
  });

  it('lists every problem of a body with its path, and writes nothing', async () => {
    const response = await call('PUT', '/customers/c-invalid', {
      locale: 'not a locale',
      timeZone: 'Mars/Olympus',
      email: { address: 'nope', status: 'active' },
      phone: { number: '015112345678' },
      push: [{ token: 't', platform: 'WINDOWS' }],
      preferences: { quietHours: { start: '25:00', end: '07:00' } },
      attributes: { score: 1e200, '': 'empty key' },
      consent: { email: { '*': 'opt_in' } },
    });
    expect(response.statusCode).toBe(400);
    expect(
      problems(response)
        .map((p) => p.path)
        .sort(),
    ).toEqual(
      [
        'body',
        // The empty key: the path ends where the key would be named.
        'body.attributes.',
        'body.email',
        'body.email.address',
        'body.locale',
        'body.phone.number',
        'body.preferences.quietHours.start',
        'body.push.0.platform',
        'body.timeZone',
      ].sort(),
    );
    expect(problems(response).find((p) => p.path === 'body')?.message).toBe('unknown field(s): consent');
    expect(problems(response).find((p) => p.path === 'body.email')?.message).toBe('unknown field(s): status');
    expect(await stored('c-invalid')).toBeUndefined();
  });

  it('refuses a body naming another customer, and a body that is not JSON', async () => {
    const other = await call('PUT', '/customers/c-path', { customerId: 'c-other' });
    expect(other.statusCode).toBe(400);
    expect(problems(other)).toEqual([{ path: 'body.customerId', message: 'must be the customer id of the path, or left out' }]);
    const event = iamEvent({ method: 'PUT', path: '/customers/c-path' });
    event.body = '{"locale":';
    const broken = await routeProfile(event, deps);
    expect(broken.statusCode).toBe(400);
    expect(problems(broken)[0]?.path).toBe('body');
  });

  it('GET of an unknown customer is 404 naming the path; other methods and routes are 405 and 404', async () => {
    const missing = await call('GET', '/customers/c-nobody');
    expect(missing.statusCode).toBe(404);
    expect(problems(missing)).toEqual([{ path: 'path.customerId', message: 'no customer with this id' }]);
    const wrongMethod = await call('POST', '/customers/c-new');
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers?.allow).toBe('GET, PUT, DELETE');
    expect((await call('GET', '/customers/c-new/context')).statusCode).toBe(405);
    expect((await call('GET', '/customers/c-new/preferences')).statusCode).toBe(404);
  });
});

describe('PATCH /customers/{customerId}/context', () => {
  it('creates the context, merges later observations, clears fields given as null, and ignores older ones', async () => {
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId: 'c-moment' } satisfies Customer }));
    const first = await call('PATCH', '/customers/c-moment/context', { surface: 'store', storeId: 'berlin-mitte', observedAt: '2026-11-24T11:00:00Z' });
    expect(body(first)).toEqual({ customerId: 'c-moment', applied: true });
    const second = await call('PATCH', '/customers/c-moment/context', {
      surface: 'app',
      storeId: null,
      sessionActiveUntil: '2026-11-24T12:30:00+01:00',
      observedAt: '2026-11-24T11:55:00Z',
    });
    expect(body(second)).toEqual({ customerId: 'c-moment', applied: true });
    const late = await call('PATCH', '/customers/c-moment/context', { surface: 'offline', observedAt: '2026-11-24T11:30:00Z' });
    expect(late.statusCode).toBe(200);
    expect(body(late)).toEqual({ customerId: 'c-moment', applied: false, reason: 'the record holds a newer observation' });
    expect((await stored('c-moment'))?.context).toEqual({ surface: 'app', sessionActiveUntil: '2026-11-24T11:30:00.000Z', observedAt: '2026-11-24T11:55:00.000Z' });
  });

  it('refuses an observation from the future, a missing observedAt and an unknown surface; 404 for an unknown customer', async () => {
    const future = await call('PATCH', '/customers/c-moment/context', { surface: 'web', observedAt: '2026-11-24T12:10:00Z' });
    expect(future.statusCode).toBe(400);
    expect(problems(future)).toEqual([{ path: 'body.observedAt', message: 'is in the future; an observation is of a moment that has happened' }]);
    const invalid = await call('PATCH', '/customers/c-moment/context', { surface: 'kiosk' });
    expect(
      problems(invalid)
        .map((p) => p.path)
        .sort(),
    ).toEqual(['body.observedAt', 'body.surface']);
    const unknown = await call('PATCH', '/customers/c-nobody/context', { surface: 'web', observedAt: '2026-11-24T11:00:00Z' });
    expect(unknown.statusCode).toBe(404);
    expect(await stored('c-nobody')).toBeUndefined();
  });
});

describe('POST /customers/{customerId}/consent', () => {
  it('records each change with its source, reports the ones the record already holds newer', async () => {
    await local.doc.send(
      new PutCommand({
        TableName: local.tables.customers,
        Item: {
          customerId: 'c-consent',
          consent: { email: { newsletter: { value: 'opt_in', updatedAt: '2026-11-24T10:00:00.000Z', source: 'preference_centre' } } },
        } satisfies Customer,
      }),
    );
    const response = await call('POST', '/customers/c-consent/consent', {
      source: 'crm-sync',
      changes: [
        { channel: 'email', topic: 'newsletter', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'sms', topic: '*', value: 'opt_in', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'email', topic: 'order-updates', value: 'opt_in', updatedAt: '2026-11-24T09:00:00Z' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const stamp = { source: 'api:crm-sync', updatedAt: '2026-11-24T09:00:00.000Z' };
    expect(body(response)).toEqual({
      customerId: 'c-consent',
      applied: [
        { channel: 'sms', topic: '*', value: 'opt_in', ...stamp },
        { channel: 'email', topic: 'order-updates', value: 'opt_in', ...stamp },
      ],
      stale: [{ channel: 'email', topic: 'newsletter', value: 'opt_out', ...stamp }],
    });
    expect((await stored('c-consent'))?.consent).toEqual({
      email: { newsletter: { value: 'opt_in', updatedAt: '2026-11-24T10:00:00.000Z', source: 'preference_centre' }, 'order-updates': { value: 'opt_in', ...stamp } },
      sms: { '*': { value: 'opt_in', ...stamp } },
    });
  });

  it('checks every change against the topic registry and lists every problem', async () => {
    const response = await call('POST', '/customers/c-consent/consent', {
      source: 'crm sync',
      changes: [
        { channel: 'email', topic: 'promotion', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'sms', topic: 'newsletter', value: 'opt_in', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'email', topic: 'order-updates', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'push', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-25T09:00:00Z' },
        { channel: 'push', topic: 'promotions', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(problems(response)[0]).toEqual({ path: 'body.source', message: 'may only contain letters, digits and . _ : @ - (e.g. crm-sync or store-kiosk:berlin)' });
    const registry = await call('POST', '/customers/c-consent/consent', {
      source: 'crm-sync',
      changes: [
        { channel: 'email', topic: 'promotion', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'sms', topic: 'newsletter', value: 'opt_in', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'email', topic: 'order-updates', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
        { channel: 'push', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-25T09:00:00Z' },
        { channel: 'push', topic: 'promotions', value: 'opt_out', updatedAt: '2026-11-24T09:00:00Z' },
      ],
    });
    expect(problems(response).slice(1)).toEqual(problems(registry));
    expect(problems(registry)).toEqual([
      { path: 'body.changes.0.topic', message: '"promotion" is not a topic of the registry (templates/topics.json), nor "*"' },
      { path: 'body.changes.1.channel', message: 'topic "newsletter" is never sent on sms' },
      { path: 'body.changes.2.value', message: 'topic "order-updates" is required on email: customers cannot opt out of it there' },
      { path: 'body.changes.3.updatedAt', message: 'is in the future; a consent change is recorded when the customer made it' },
      { path: 'body.changes.4.topic', message: 'push/promotions is changed twice in one call' },
    ]);
  });

  it('answers 404 for an unknown customer and creates nothing', async () => {
    const response = await call('POST', '/customers/c-ghost/consent', {
      source: 'crm',
      changes: [{ channel: 'email', topic: 'promotions', value: 'opt_in', updatedAt: '2026-11-24T09:00:00Z' }],
    });
    expect(response.statusCode).toBe(404);
    expect(await stored('c-ghost')).toBeUndefined();
  });
});

describe('DELETE /customers/{customerId}', () => {
  it('erases the profile, inbox and counters, and strips the delivery records to what retention keeps', async () => {
    const id = 'c-erase';
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId: id, email: { address: 'erase@example.com' }, inApp: { enabled: true } } }));
    await deliver(local, { requestId: 'r-erase-inbox', customerId: id, channel: 'in_app', at: '2026-11-24T08:00:00.000Z' });
    await deliver(local, { requestId: 'r-erase-sms', customerId: id, channel: 'sms', at: '2026-11-24T09:00:00.000Z' });
    // The SMS attempt as the orchestrator records it, with the provider's id and its lookup.
    await local.doc.send(
      new PutCommand({
        TableName: local.tables.deliveries,
        Item: {
          requestId: 'r-erase-sms',
          customerId: id,
          template: 'order-shipped',
          category: 'transactional',
          topic: 'order-updates',
          status: 'DELIVERED',
          channel: 'sms',
          attempts: [
            { channel: 'sms', at: '2026-11-24T09:00:00.000Z', outcome: 'SENT', providerMessageId: 'sns-1' },
            { channel: 'email', at: '2026-11-24T08:59:00.000Z', outcome: 'FAILED_PERMANENT', error: { code: 'EMAIL_REJECTED', message: 'erase@example.com refused' } },
          ],
          decision: {
            ranked: [{ channel: 'sms', score: 0.5, reasons: ['context +0.40: in store berlin-mitte'], components: { context: 0.4 } }],
            excluded: [{ channel: 'push', reason: 'QUIET_HOURS', detail: 'quiet hours 21:00–08:00 in Europe/Berlin' }],
          },
          timeline: [
            { status: 'SENT', at: '2026-11-24T09:00:00.000Z', channel: 'sms' },
            { status: 'DELIVERED', at: '2026-11-24T09:00:05.000Z', channel: 'sms', detail: 'SUCCESS to +4915112345678', eventId: 'sms:sns-1' },
          ],
          problems: [{ path: 'data.address', message: 'erase@example.com' }],
          seenEvents: new Set(['sms:sns-1']),
          createdAt: '2026-11-24T09:00:00.000Z',
          updatedAt: '2026-11-24T09:00:05.000Z',
          expiresAtEpoch: 1_900_000_000,
        },
      }),
    );
    await new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries }).remember('sms', 'sns-1', 'r-erase-sms', NOW);
    const counter = new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters });
    await counter.tryConsume({ customerId: id, channel: 'sms', category: 'transactional', now: NOW, limits: { perDay: 5 } });
    await counter.tryConsume({ customerId: id, channel: 'email', category: 'marketing', now: new Date(NOW.getTime() - 10 * 86_400_000), limits: { perDay: 5 } });

    const response = await call('DELETE', `/customers/${id}`);
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ customerId: id, erased: { profile: true, inboxItems: 1, deliveryRecords: 2, providerMessageIds: 2 } });

    expect(await stored(id)).toBeUndefined();
    const inbox = await local.doc.send(new QueryCommand({ TableName: local.tables.inbox, KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': id } }));
    expect(inbox.Items).toEqual([]);
    const counters = await local.doc.send(
      new QueryCommand({ TableName: local.tables.counters, KeyConditionExpression: 'counterKey = :k', ExpressionAttributeValues: { ':k': `${id}#sms#transactional#2026-W48` } }),
    );
    expect(counters.Items).toEqual([]);
    const olderCounter = await local.doc.send(new GetCommand({ TableName: local.tables.counters, Key: { counterKey: `${id}#email#marketing#2026-W46` } }));
    expect(olderCounter.Item).toBeUndefined();
    expect((await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId: 'provider#sms#sns-1' } }))).Item).toBeUndefined();

    const kept = (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId: 'r-erase-sms' }, ConsistentRead: true }))).Item;
    expect(kept).toEqual({
      requestId: 'r-erase-sms',
      customerId: 'erased:test-pseudonym',
      erasedAt: NOW.toISOString(),
      template: 'order-shipped',
      category: 'transactional',
      topic: 'order-updates',
      status: 'DELIVERED',
      channel: 'sms',
      attempts: [
        { channel: 'sms', at: '2026-11-24T09:00:00.000Z', outcome: 'SENT' },
        { channel: 'email', at: '2026-11-24T08:59:00.000Z', outcome: 'FAILED_PERMANENT', error: { code: 'EMAIL_REJECTED' } },
      ],
      decision: { ranked: [{ channel: 'sms', score: 0.5, reasons: [], components: { context: 0.4 } }], excluded: [{ channel: 'push', reason: 'QUIET_HOURS' }] },
      timeline: [
        { status: 'SENT', at: '2026-11-24T09:00:00.000Z', channel: 'sms' },
        { status: 'DELIVERED', at: '2026-11-24T09:00:05.000Z', channel: 'sms' },
      ],
      createdAt: '2026-11-24T09:00:00.000Z',
      updatedAt: '2026-11-24T09:00:05.000Z',
      expiresAtEpoch: 1_900_000_000,
    });
    expect(JSON.stringify(kept)).not.toContain(id);

    // Idempotent: a second run finds nothing left, and says so.
    const again = await call('DELETE', `/customers/${id}`);
    expect(body(again)).toEqual({ customerId: id, erased: { profile: false, inboxItems: 0, deliveryRecords: 0, providerMessageIds: 0 } });
  });
});
