import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { jwtEvent } from '../support/http-events.js';
import { body, context, deliver, type HttpHandler, handlerTables } from '../support/inbox-world.js';
import type { LocalTables } from '../support/local-aws.js';

const A = 'c-alice';
const B = 'c-bob';
let local: LocalTables;
let handler: HttpHandler;
let aliceSk: string;

beforeAll(async () => {
  local = await handlerTables('isolation');
  ({ handler } = (await import('../../functions/inbox-api/handler.js')) as unknown as { handler: HttpHandler });
  aliceSk = (await deliver(local, { requestId: 'r-alice-inbox', customerId: A, channel: 'in_app', at: '2026-11-24T09:00:00.000Z', title: 'For Alice only' })) ?? '';
  await deliver(local, { requestId: 'r-alice-push', customerId: A, channel: 'push', at: '2026-11-24T09:05:00.000Z' });
  await deliver(local, { requestId: 'r-bob-inbox', customerId: B, channel: 'in_app', at: '2026-11-23T09:00:00.000Z', title: 'For Bob' });
});
afterAll(() => local.client.destroy());

const as = (sub: string, method: string, path: string, extra: { query?: Record<string, string>; body?: unknown } = {}) =>
  handler(jwtEvent({ method, path, sub, ...extra }), context);

async function record(requestId: string): Promise<DeliveryRecord> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }))).Item as DeliveryRecord;
}
async function aliceItem() {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.inbox, Key: { customerId: A, sk: aliceSk }, ConsistentRead: true }))).Item;
}

describe('one customer can never reach another customer’s inbox', () => {
  it('lists only the caller’s own messages', async () => {
    const bob = JSON.stringify(body(await as(B, 'GET', '/inbox', { query: { limit: '50' } })));
    expect(bob).toContain('For Bob');
    expect(bob).not.toContain('For Alice only');
    expect(bob).not.toContain('r-alice');
  });

  it('cannot mark Alice’s message, by its id or by its request id, with any action', async () => {
    for (const id of [aliceSk, 'r-alice-inbox']) {
      for (const action of ['read', 'clicked', 'dismissed']) {
        expect((await as(B, 'POST', `/inbox/${encodeURIComponent(id)}/${action}`)).statusCode).toBe(404);
      }
    }
    expect(await aliceItem()).toMatchObject({ status: 'unread' });
    expect(await aliceItem()).not.toHaveProperty('readAt');
    const alice = await record('r-alice-inbox');
    expect(alice.status).toBe('SENT');
    expect(alice.timeline).toHaveLength(2);
  });

  it('cannot report opens of Alice’s push notification', async () => {
    for (const event of ['opened', 'clicked']) {
      expect((await as(B, 'POST', '/events', { body: { requestId: 'r-alice-push', event } })).statusCode).toBe(404);
    }
    expect((await record('r-alice-push')).status).toBe('SENT');
  });

  it('gets only their own page from a cursor built out of Alice’s message id', async () => {
    const cursor = Buffer.from('2026-11-25T00:00:00.000Z#r-alice-inbox', 'utf8').toString('base64url');
    const page = body<{ items: { requestId: string }[] }>(await as(B, 'GET', '/inbox', { query: { cursor } }));
    expect(page.items.map((i) => i.requestId)).toEqual(['r-bob-inbox']);
  });

  it('has no route that takes a customer id from the path', async () => {
    expect((await as(B, 'GET', `/customers/${A}/inbox`)).statusCode).toBe(404);
    expect((await as(B, 'GET', `/inbox/${A}`)).statusCode).toBe(404);
  });

  it('while Alice herself can read and mark it', async () => {
    expect((await as(A, 'POST', `/inbox/${encodeURIComponent(aliceSk)}/read`)).statusCode).toBe(200);
    expect((await record('r-alice-inbox')).status).toBe('OPENED');
  });
});
