import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import { jwtEvent } from '../support/http-events.js';
import { body, context, deliver, type HttpHandler, handlerTables } from '../support/inbox-world.js';
import type { LocalTables } from '../support/local-aws.js';

let local: LocalTables;
let handler: HttpHandler;
const ME = 'c-inbox-1';
const sks: Record<string, string> = {};

beforeAll(async () => {
  local = await handlerTables('inbox');
  ({ handler } = (await import('../../functions/inbox-api/handler.js')) as unknown as { handler: HttpHandler });
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId: ME, inApp: { enabled: true } } satisfies Customer }));
  for (const [requestId, at] of [
    ['r-oldest', '2026-11-20T09:00:00.000Z'],
    ['r-middle', '2026-11-22T09:00:00.000Z'],
    ['r-newest', '2026-11-24T09:00:00.000Z'],
    ['r-click', '2026-11-19T09:00:00.000Z'],
    ['r-dismiss', '2026-11-18T09:00:00.000Z'],
  ] as const) {
    sks[requestId] = (await deliver(local, { requestId, customerId: ME, channel: 'in_app', at })) ?? '';
  }
  await deliver(local, { requestId: 'r-push', customerId: ME, channel: 'push', at: '2026-11-24T10:00:00.000Z' });
  await deliver(local, { requestId: 'r-email', customerId: ME, channel: 'email', at: '2026-11-24T10:00:00.000Z' });
});
afterAll(() => local.client.destroy());

const call = (method: string, path: string, extra: { query?: Record<string, string>; body?: unknown; sub?: string | null } = {}) =>
  handler(
    jwtEvent({
      method,
      path,
      ...(extra.query ? { query: extra.query } : {}),
      ...(extra.body !== undefined ? { body: extra.body } : {}),
      ...(extra.sub === null ? {} : { sub: extra.sub ?? ME }),
    }),
    context,
  );

async function record(requestId: string): Promise<DeliveryRecord> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }))).Item as DeliveryRecord;
}
async function engagement() {
  return ((await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: ME }, ConsistentRead: true }))).Item as Customer).engagement;
}
type Page = { items: { id: string; requestId: string; status: string; readAt?: string }[]; cursor?: string; unreadCount: number };

describe('GET /inbox', () => {
  it('lists newest first in pages, with the unread count', async () => {
    const first = await call('GET', '/inbox', { query: { limit: '2' } });
    expect(first.statusCode).toBe(200);
    expect(first.headers).toMatchObject({ 'cache-control': 'no-store' });
    const page1 = body<Page>(first);
    expect(page1.items.map((i) => i.requestId)).toEqual(['r-newest', 'r-middle']);
    expect(page1.items[0]).toMatchObject({ id: sks['r-newest'], title: 'Message r-newest', body: 'Your boots are waiting.', status: 'unread' });
    expect(page1.unreadCount).toBe(5);
    const page2 = body<Page>(await call('GET', '/inbox', { query: { limit: '2', cursor: page1.cursor as string } }));
    expect(page2.items.map((i) => i.requestId)).toEqual(['r-oldest', 'r-click']);
    const page3 = body<Page>(await call('GET', '/inbox', { query: { limit: '2', cursor: page2.cursor as string } }));
    expect(page3.items.map((i) => i.requestId)).toEqual(['r-dismiss']);
    expect(page3.cursor).toBeUndefined();
  });

  it('refuses a page larger than 50 and a cursor it did not issue', async () => {
    expect((await call('GET', '/inbox', { query: { limit: '51' } })).statusCode).toBe(400);
    expect((await call('GET', '/inbox', { query: { limit: 'ten' } })).statusCode).toBe(400);
    const forged = await call('GET', '/inbox', { query: { cursor: 'bm90LWEtY3Vyc29y' } });
    expect(forged.statusCode).toBe(400);
    expect(body(forged)).toEqual({
      error: {
        code: 'INVALID_CURSOR',
        message: 'the cursor is not one this API returned',
        problems: [{ path: 'query.cursor', message: 'the cursor is not one this API returned' }],
      },
    });
  });

  it('hides a message past its retention that DynamoDB has not deleted yet', async () => {
    await deliver(local, { requestId: 'r-expired', customerId: 'c-inbox-expired', channel: 'in_app', at: '2026-11-24T09:00:00.000Z' });
    const [item] = body<Page>(await call('GET', '/inbox', { sub: 'c-inbox-expired' })).items;
    expect(item?.requestId).toBe('r-expired');
    await local.doc.send(
      new UpdateCommand({
        TableName: local.tables.inbox,
        Key: { customerId: 'c-inbox-expired', sk: item?.id },
        UpdateExpression: 'SET expiresAtEpoch = :past',
        ExpressionAttributeValues: { ':past': 1_000 },
      }),
    );
    expect(body<Page>(await call('GET', '/inbox', { sub: 'c-inbox-expired' }))).toEqual({ items: [], unreadCount: 0 });
  });
});

describe('POST /inbox/{id}/{action}', () => {
  it('marks a message read by its id, reports the open and lowers the unread count', async () => {
    const response = await call('POST', `/inbox/${encodeURIComponent(sks['r-newest'] as string)}/read`);
    expect(response.statusCode).toBe(200);
    expect(body<{ item: { status: string; readAt: string } }>(response).item).toMatchObject({ status: 'read', readAt: expect.any(String) });
    expect((await record('r-newest')).status).toBe('OPENED');
    expect((await engagement())?.in_app).toMatchObject({ opened: 1, lastEngagedAt: expect.any(String) });
    expect(body<Page>(await call('GET', '/inbox')).unreadCount).toBe(4);
  });

  it('marks by request id too, and a second click is counted once', async () => {
    expect((await call('POST', '/inbox/r-click/clicked')).statusCode).toBe(200);
    expect((await call('POST', '/inbox/r-click/clicked')).statusCode).toBe(200);
    const clicked = await record('r-click');
    expect(clicked.status).toBe('CLICKED');
    expect(clicked.timeline.filter((e) => e.status === 'CLICKED')).toHaveLength(1);
    expect((await engagement())?.in_app?.clicked).toBe(1);
  });

  it('hides a dismissed message, keeps it dismissed when read later, and notes it on the record', async () => {
    expect(body<{ item: { status: string } }>(await call('POST', '/inbox/r-dismiss/dismissed')).item.status).toBe('dismissed');
    expect(body<{ item: { status: string } }>(await call('POST', '/inbox/r-dismiss/read')).item.status).toBe('dismissed');
    expect(body<Page>(await call('GET', '/inbox', { query: { limit: '50' } })).items.map((i) => i.requestId)).not.toContain('r-dismiss');
    const dismissed = await record('r-dismiss');
    expect(dismissed.timeline.map((e) => e.detail)).toContain('INBOX DISMISSED');
  });

  it('answers 404 for a message that is not there and for an unknown action', async () => {
    expect((await call('POST', '/inbox/r-nothing/read')).statusCode).toBe(404);
    expect((await call('POST', '/inbox/r-middle/starred')).statusCode).toBe(404);
  });
});

describe('POST /events', () => {
  it('records a push open for the customer’s own push notification, once', async () => {
    expect((await call('POST', '/events', { body: { requestId: 'r-push', event: 'opened' } })).statusCode).toBe(202);
    expect((await call('POST', '/events', { body: { requestId: 'r-push', event: 'opened' } })).statusCode).toBe(202);
    const opened = await record('r-push');
    expect(opened.status).toBe('OPENED');
    expect(opened.timeline.filter((e) => e.status === 'OPENED')).toHaveLength(1);
    expect((await engagement())?.push?.opened).toBe(1);
  });

  it('refuses a push event for a message that was not a push, or a malformed one', async () => {
    expect((await call('POST', '/events', { body: { requestId: 'r-email', event: 'clicked' } })).statusCode).toBe(404);
    expect((await record('r-email')).status).toBe('SENT');
    expect((await call('POST', '/events', { body: { requestId: 'r-push', event: 'liked' } })).statusCode).toBe(400);
    expect((await call('POST', '/events', { body: 'not json' })).statusCode).toBe(400);
  });
});

describe('authentication and routes', () => {
  it('refuses a request whose token names no customer', async () => {
    expect((await call('GET', '/inbox', { sub: null })).statusCode).toBe(401);
  });

  it('serves the same routes under a named stage', async () => {
    const event = jwtEvent({ method: 'GET', path: '/prod/inbox', sub: ME });
    event.requestContext.stage = 'prod';
    expect((await handler(event, context)).statusCode).toBe(200);
  });

  it('answers 404 for a route it does not serve', async () => {
    expect((await call('DELETE', '/inbox')).statusCode).toBe(404);
  });

  it('answers a malformed percent escape or an id that cannot be a message with a 400 naming the path', async () => {
    for (const id of ['%E0%A4%A', '%', 'r-1%zz', encodeURIComponent('x'.repeat(3_000)), encodeURIComponent('2026-11-24T09:00:00.000Z#bad id')]) {
      const response = await call('POST', `/inbox/${id}/read`);
      expect(response.statusCode).toBe(400);
      expect(body<{ error: { problems: { path: string }[] } }>(response).error.problems.map((p) => p.path)).toEqual(['path.id']);
    }
  });

  it('lists every problem of a malformed push event with its path in the body', async () => {
    const response = await call('POST', '/events', { body: { requestId: 'bad id!', event: 'liked', extra: 1 } });
    expect(response.statusCode).toBe(400);
    expect(
      body<{ error: { problems: { path: string }[] } }>(response)
        .error.problems.map((p) => p.path)
        .sort(),
    ).toEqual(['body', 'body.event', 'body.requestId']);
  });
});
