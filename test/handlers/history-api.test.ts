import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../../functions/adapters/dynamo-suppression-writer.js';
import { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { applyFeedbackEvent } from '../../functions/core/feedback/apply.js';
import { fromAppPushEvent } from '../../functions/core/feedback/app.js';
import type { Decision, DeliveryRecord } from '../../functions/core/model.js';
import { iamEvent } from '../support/http-events.js';
import { body, context, type HttpHandler, handlerTables } from '../support/inbox-world.js';
import type { LocalTables } from '../support/local-aws.js';

let local: LocalTables;
let handler: HttpHandler;
const CUSTOMER = 'c-history';

const decision: Decision = {
  ranked: [
    {
      channel: 'push',
      score: 0.812,
      reasons: ['context +0.40: in store berlin-mitte', 'engagement +0.21: engaged with 7 of 12 delivered', 'preference +0.25: first preferred channel', 'cost -0.01'],
      components: { context: 0.4, preference: 0.25, engagement: 0.21, urgency: 0, cost: -0.01 },
    },
    {
      channel: 'email',
      score: 0.301,
      reasons: ['engagement +0.06: engaged with 4 of 29 delivered'],
      components: { context: 0, preference: 0.2, engagement: 0.06, urgency: 0, cost: -0.02 },
    },
  ],
  excluded: [{ channel: 'sms', reason: 'OPTED_OUT', detail: 'sms/promotions: opt_out' }],
};

function record(requestId: string, createdAt: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    requestId,
    customerId: CUSTOMER,
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    strategy: 'failover',
    status: 'SENT',
    channel: 'push',
    attempts: [{ channel: 'push', at: createdAt, outcome: 'SENT', providerMessageId: 'pinpoint-message-id' }],
    decision,
    timeline: [{ status: 'SENT', at: createdAt, channel: 'push' }],
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

beforeAll(async () => {
  local = await handlerTables('history');
  ({ handler } = (await import('../../functions/history-api/handler.js')) as unknown as { handler: HttpHandler });
  const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const seeded = [
    record('r-h1', '2026-11-20T10:00:00.000Z'),
    record('r-h2', '2026-11-21T10:00:00.000Z', {
      status: 'FAILED',
      channel: undefined,
      attempts: [{ channel: 'push', at: '2026-11-21T10:00:00.000Z', outcome: 'FAILED_PERMANENT', error: { code: 'PUSH_NO_LIVE_TOKEN', message: 'every token was rejected' } }],
      timeline: [{ status: 'FAILED', at: '2026-11-21T10:00:00.000Z', detail: 'push: PUSH_NO_LIVE_TOKEN' }],
    }),
    record('r-h3', '2026-11-22T10:00:00.000Z'),
  ];
  for (const r of seeded) {
    await log.claim({ requestId: r.requestId, customerId: CUSTOMER, template: 'cart-reminder', createdAt: r.createdAt, now: new Date(r.createdAt), leaseMs: 60_000 });
    await log.finish(r);
  }
  // The app reports the tap before the open: the history must still read open, then tap.
  const deps = {
    store: new DynamoFeedbackStore(local.doc, {
      deliveriesTable: local.tables.deliveries,
      customersTable: local.tables.customers,
      halfLifeDays: defaultDecisionConfig.learning.halfLifeDays,
    }),
    index: new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries }),
    customers: new MemoryCustomerDirectory(),
    suppressions: new DynamoSuppressionWriter(local.doc, { tableName: local.tables.customers }),
    telemetry: { record: () => undefined },
    clock: { now: () => new Date('2026-11-22T12:00:00Z') },
  };
  await applyFeedbackEvent(fromAppPushEvent({ requestId: 'r-h3', customerId: CUSTOMER, kind: 'clicked', at: new Date('2026-11-22T10:05:00Z') }), deps);
  await applyFeedbackEvent(fromAppPushEvent({ requestId: 'r-h3', customerId: CUSTOMER, kind: 'opened', at: new Date('2026-11-22T10:04:00Z') }), deps);
  await new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries }).remember('sms', 'sns-id', 'r-h1', new Date('2026-11-20T10:00:00Z'));
});
afterAll(() => local.client.destroy());

const get = (path: string, query?: Record<string, string>) => handler(iamEvent({ method: 'GET', path, ...(query ? { query } : {}) }), context);
type Page = { customerId: string; items: Record<string, unknown>[]; cursor?: string };

describe('GET /customers/{customerId}/deliveries', () => {
  it('lists the customer’s deliveries newest first, in pages', async () => {
    const first = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`, { limit: '2' }));
    expect(first.customerId).toBe(CUSTOMER);
    expect(first.items.map((i) => i.requestId)).toEqual(['r-h3', 'r-h2']);
    const second = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`, { limit: '2', cursor: first.cursor as string }));
    expect(second.items.map((i) => i.requestId)).toEqual(['r-h1']);
  });

  it('gives each delivery its channel, status, timeline in the order things happened, and the decision', async () => {
    const [latest] = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`)).items;
    expect(latest).toMatchObject({ requestId: 'r-h3', template: 'cart-reminder', channel: 'push', status: 'CLICKED' });
    expect((latest?.timeline as { status: string }[]).map((e) => e.status)).toEqual(['ACCEPTED', 'SENT', 'OPENED', 'CLICKED']);
    expect(latest?.decision).toEqual({
      ranked: decision.ranked.map(({ channel, score, reasons }) => ({ channel, score, reasons })),
      excluded: [{ channel: 'sms', reason: 'OPTED_OUT', detail: 'sms/promotions: opt_out' }],
    });
    expect(latest?.why).toEqual([
      '#1 push (score 0.812, sent): context +0.40: in store berlin-mitte; preference +0.25: first preferred channel; engagement +0.21: engaged with 7 of 12 delivered; +1 more',
      '#2 email (score 0.301): engagement +0.06: engaged with 4 of 29 delivered',
      'excluded sms: OPTED_OUT (sms/promotions: opt_out)',
    ]);
  });

  it('shows why a message failed, such as a push that found no live token', async () => {
    const failed = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`)).items.find((i) => i.requestId === 'r-h2');
    expect(failed?.status).toBe('FAILED');
    expect(failed?.why).toContain('push attempt failed: PUSH_NO_LIVE_TOKEN');
  });

  it('lists the consent decisions on the customer record with source and time, newest first, on every page', async () => {
    await local.doc.send(
      new PutCommand({
        TableName: local.tables.customers,
        Item: {
          customerId: CUSTOMER,
          consent: {
            push: { '*': { value: 'opt_in', updatedAt: '2026-11-19T09:00:00.000Z', source: 'api:crm-sync' } },
            sms: { promotions: { value: 'opt_out', updatedAt: '2026-11-21T12:00:00.000Z', source: 'preference_centre' } },
          },
        },
      }),
    );
    const expected = [
      { channel: 'sms', topic: 'promotions', value: 'opt_out', at: '2026-11-21T12:00:00.000Z', source: 'preference_centre' },
      { channel: 'push', topic: '*', value: 'opt_in', at: '2026-11-19T09:00:00.000Z', source: 'api:crm-sync' },
    ];
    const first = body<Page & { consent: unknown }>(await get(`/customers/${CUSTOMER}/deliveries`, { limit: '2' }));
    expect(first.consent).toEqual(expected);
    expect(body<Page & { consent: unknown }>(await get(`/customers/${CUSTOMER}/deliveries`, { limit: '2', cursor: first.cursor as string })).consent).toEqual(expected);
    expect(body<Page & { consent: unknown }>(await get('/customers/c-nobody/deliveries')).consent).toEqual([]);
  });

  it('shows nothing of how records are stored', async () => {
    const text = JSON.stringify(body(await get(`/customers/${CUSTOMER}/deliveries`)));
    for (const internal of ['seenEvents', 'countedEngagement', 'leaseUntil', 'expiresAtEpoch', 'eventId', 'providerMessageId', 'provider#']) expect(text).not.toContain(internal);
  });

  it('shows a deferral and an escalation as customer service needs them, never the stored request or its wake', async () => {
    const waiting = 'c-history-timing';
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    const timing = { outcome: 'defer' as const, reason: 'QUIET_HOURS' as const, until: '2026-11-23T23:00:00.000Z', reasons: ['push is in quiet hours until 08:00 Asia/Tokyo'] };
    const deferred = record('r-t1', '2026-11-23T16:00:00.000Z', {
      customerId: waiting,
      status: 'DEFERRED',
      channel: undefined,
      attempts: [],
      decision: { ...decision, timing },
      timeline: [{ status: 'DEFERRED', at: '2026-11-23T16:00:00.000Z', detail: 'QUIET_HOURS until 2026-11-23T23:00:00.000Z' }],
      deferredUntil: '2026-11-23T23:00:00.000Z',
      wake: { token: 'd1', kind: 'deferral', due: '2026-11-23T23:00:00.000Z' },
      wakes: 1,
      request: { requestId: 'r-t1', customerId: waiting, template: 'cart-reminder', data: { firstName: 'Haruto-private' } },
    });
    const escalation = {
      afterMs: 1_800_000,
      steps: [{ channel: 'push' as const, sentAt: '2026-11-22T10:00:00.000Z', reason: 'push first, the best channel' }],
      nextAt: '2026-11-22T10:30:00.000Z',
    };
    const running = record('r-t2', '2026-11-22T10:00:00.000Z', {
      customerId: waiting,
      strategy: 'escalate',
      channels: ['push'],
      escalation,
      wake: { token: 'e1', kind: 'escalation', due: '2026-11-22T10:30:00.000Z' },
      wakes: 1,
      request: { requestId: 'r-t2', customerId: waiting, template: 'cart-reminder', data: { firstName: 'Haruto-private' } },
    });
    for (const r of [deferred, running]) {
      await log.claim({ requestId: r.requestId, customerId: waiting, template: 'cart-reminder', createdAt: r.createdAt, now: new Date(r.createdAt), leaseMs: 60_000 });
      await log.finish(r);
    }
    const page = body<Page>(await get(`/customers/${waiting}/deliveries`));
    const [first, second] = page.items;
    expect(first).toMatchObject({ requestId: 'r-t1', status: 'DEFERRED', deferredUntil: '2026-11-23T23:00:00.000Z', decision: { timing } });
    expect(first?.why).toContain('deferred (QUIET_HOURS) until 2026-11-23T23:00:00.000Z: push is in quiet hours until 08:00 Asia/Tokyo');
    expect(second).toMatchObject({ requestId: 'r-t2', escalation });
    expect(second?.why).toContain('escalation: next look at 2026-11-22T10:30:00.000Z');
    const text = JSON.stringify(page);
    for (const internal of ['"request"', '"wake"', '"wakes"', 'Haruto-private']) expect(text).not.toContain(internal);
  });

  it('answers an empty list for a customer without deliveries, and refuses bad paging', async () => {
    expect(body<Page>(await get('/customers/c-nobody/deliveries')).items).toEqual([]);
    expect((await get(`/customers/${CUSTOMER}/deliveries`, { limit: '101' })).statusCode).toBe(400);
    const other = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`, { limit: '1' })).cursor as string;
    expect((await get('/customers/c-someone-else/deliveries', { cursor: other })).statusCode).toBe(400);
    expect((await get(`/customers/${CUSTOMER}/inbox`)).statusCode).toBe(404);
  });

  it('answers a malformed percent escape or an over-long customer id with a 400 naming the path, on the real handler', async () => {
    for (const [path, problemPath] of [
      ['/customers/c-%E0%A4%A/deliveries', 'path.customerId'],
      ['/customers/%/deliveries', 'path.customerId'],
      [`/customers/${'c'.repeat(3_000)}/deliveries`, 'path.customerId'],
    ] as const) {
      const response = await get(path);
      expect(response.statusCode).toBe(400);
      expect(body<{ error: { problems: { path: string }[] } }>(response).error.problems.map((p) => p.path)).toEqual([problemPath]);
    }
    const forged = await get(`/customers/${CUSTOMER}/deliveries`, { cursor: 'A'.repeat(5_000) });
    expect(forged.statusCode).toBe(400);
    expect(body<{ error: { problems: { path: string }[] } }>(forged).error.problems).toEqual([
      { path: 'query.cursor', message: 'the cursor is not one this API returned for this customer' },
    ]);
  });
});

describe('GET /requests/{requestId}', () => {
  it('answers one record exactly as the history lists it', async () => {
    const listed = body<Page>(await get(`/customers/${CUSTOMER}/deliveries`)).items.find((i) => i.requestId === 'r-h3');
    const response = await get('/requests/r-h3');
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual(listed);
  });

  it('answers a request still being handled, its last change standing in for the creation time it has not got yet', async () => {
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    await log.claim({
      requestId: 'r-h-busy',
      customerId: CUSTOMER,
      template: 'cart-reminder',
      createdAt: '2026-11-23T10:00:00.000Z',
      now: new Date('2026-11-23T10:00:01.000Z'),
      leaseMs: 60_000,
    });
    const entry = body(await get('/requests/r-h-busy'));
    expect(entry).toMatchObject({ requestId: 'r-h-busy', status: 'ACCEPTED', createdAt: '2026-11-23T10:00:01.000Z', updatedAt: '2026-11-23T10:00:01.000Z' });
    expect(entry.timeline).toEqual([{ status: 'ACCEPTED', at: '2026-11-23T10:00:01.000Z' }]);
  });

  it('answers 404 for an id without a record and 400 for one no request can have, naming the path', async () => {
    for (const [path, status, code] of [
      ['/requests/r-never-sent', 404, 'UNKNOWN_REQUEST'],
      ['/requests/has%20space', 400, 'INVALID_REQUEST_ID'],
      [`/requests/${'r'.repeat(129)}`, 400, 'INVALID_REQUEST_ID'],
      ['/requests/r-%E0%A4%A', 400, 'INVALID_PATH'],
    ] as const) {
      const response = await get(path);
      expect(response.statusCode).toBe(status);
      const { error } = body<{ error: { code: string; problems: { path: string }[] } }>(response);
      expect(error.code).toBe(code);
      expect(error.problems.map((p) => p.path)).toEqual(['path.requestId']);
    }
  });
});
