import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnsubscribeToken } from '../../functions/adapters/unsubscribe-token.js';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import { jwtEvent } from '../support/http-events.js';
import { context, deliver, type HttpHandler, handlerTables } from '../support/inbox-world.js';
import type { LocalTables } from '../support/local-aws.js';

const SECRET = 'test-signing-secret';
let local: LocalTables;
let handler: HttpHandler;

beforeAll(async () => {
  local = await handlerTables('unsub');
  process.env.UNSUBSCRIBE_SECRET = SECRET;
  ({ handler } = (await import('../../functions/unsubscribe/handler.js')) as unknown as { handler: HttpHandler });
});
afterAll(() => local.client.destroy());

async function customerWithEmail(customerId: string, requestId?: string): Promise<void> {
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId, consent: { email: { '*': 'opt_in' } } } satisfies Customer }));
  if (requestId) await deliver(local, { requestId, customerId, channel: 'email', at: '2026-11-24T09:00:00.000Z' });
}
async function consent(customerId: string) {
  return ((await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }))).Item as Customer).consent;
}

function request(method: string, token: string, body?: string, base64 = false): APIGatewayProxyEventV2 {
  const event = jwtEvent({ method, path: '/unsubscribe', query: { token }, ...(body !== undefined ? { body: base64 ? Buffer.from(body).toString('base64') : body } : {}) });
  const { authorizer: _none, ...requestContext } = event.requestContext;
  return { ...event, isBase64Encoded: base64, headers: { 'content-type': 'application/x-www-form-urlencoded' }, requestContext } as unknown as APIGatewayProxyEventV2;
}
const signed = (requestId: string, customerId: string, topic = 'promotions') => createUnsubscribeToken({ requestId, customerId, topic }, SECRET);

describe('one-click unsubscribe', () => {
  it('opts out of the topic on the mail provider’s one-click POST and notes it on the message', async () => {
    await customerWithEmail('c-u1', 'r-u1');
    const response = await handler(request('POST', signed('r-u1', 'c-u1'), 'List-Unsubscribe=One-Click', true), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('promotions');
    expect((await consent('c-u1'))?.email).toEqual({ '*': 'opt_in', promotions: { value: 'opt_out', updatedAt: expect.any(String), source: 'one_click_unsubscribe' } });
    const record = (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId: 'r-u1' } }))).Item as DeliveryRecord;
    expect(record.timeline.at(-1)?.detail).toBe('UNSUBSCRIBE promotions (one-click)');
  });

  it('only shows a confirmation page when the link is opened, since scanners open links too', async () => {
    await customerWithEmail('c-u2', 'r-u2');
    const response = await handler(request('GET', signed('r-u2', 'c-u2')), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect((await consent('c-u2'))?.email).toEqual({ '*': 'opt_in' });
  });

  it('refuses a token it did not sign and a POST without the one-click body', async () => {
    await customerWithEmail('c-u3', 'r-u3');
    const unsigned = createUnsubscribeToken({ requestId: 'r-u3', customerId: 'c-u3', topic: 'promotions' });
    expect((await handler(request('POST', unsigned, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(400);
    const other = createUnsubscribeToken({ requestId: 'r-u3', customerId: 'c-u3', topic: 'promotions' }, 'another-secret');
    expect((await handler(request('POST', other, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(400);
    expect((await handler(request('POST', signed('r-u3', 'c-u3'), 'hello=world'), context)).statusCode).toBe(400);
    expect((await consent('c-u3'))?.email).toEqual({ '*': 'opt_in' });
  });

  it('still opts out when the message’s record has expired', async () => {
    await customerWithEmail('c-u4');
    expect((await handler(request('POST', signed('r-long-gone', 'c-u4', 'newsletter'), 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(200);
    expect((await consent('c-u4'))?.email?.newsletter).toMatchObject({ value: 'opt_out', source: 'one_click_unsubscribe' });
  });

  it('refuses a signed link whose customer id could never be a key, instead of failing on the database', async () => {
    const response = await handler(request('POST', signed('r-u5', 'c'.repeat(3_000)), 'List-Unsubscribe=One-Click'), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body))).toEqual({
      error: { code: 'INVALID_TOKEN', message: 'This unsubscribe link is not valid.', problems: [{ path: 'query.token', message: 'This unsubscribe link is not valid.' }] },
    });
  });

  it('shows a browser a page and anything else a JSON problem list', async () => {
    const forBrowser = request('GET', 'not-a-token');
    forBrowser.headers = { accept: 'text/html,application/xhtml+xml' };
    const page = await handler(forBrowser, context);
    expect(page.statusCode).toBe(400);
    expect(page.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8' });
    const missing = await handler(request('POST', signed('r-u6', 'c-u6'), 'hello=world'), context);
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(String(missing.body)).error.problems).toEqual([{ path: 'body', message: 'The request is missing List-Unsubscribe=One-Click.' }]);
  });
});

