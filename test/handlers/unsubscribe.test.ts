import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { unsubscribeClaims } from '../../functions/core/links.js';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../functions/local/secrets-manager-local.js';
import { routeUnsubscribe } from '../../functions/unsubscribe/routes.js';
import { fakeFeedback } from '../fuzz/fakes.js';
import { jwtEvent } from '../support/http-events.js';
import { context, deliver, type HttpHandler, handlerTables } from '../support/inbox-world.js';
import { KEY_1, KEY_2, legacyUnsubscribeToken, ring } from '../support/link-keys.js';
import type { LocalTables } from '../support/local-aws.js';

/** As a stack generates it: one plain key, which signs as key k0. */
const SECRET_NAME = 'switchboard-test/link-signing';
const deployedKeys = new MemoryLinkSigner(ring('k0', { k0: KEY_1 }));
let local: LocalTables;
let secrets: LocalSecretsManager;
let handler: HttpHandler;

beforeAll(async () => {
  secrets = await startLocalSecretsManager({ secrets: { [SECRET_NAME]: KEY_1 } });
  local = await handlerTables('unsub', { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, LINK_SIGNING_SECRET_ID: secrets.arnOf(SECRET_NAME) });
  ({ handler } = (await import('../../functions/unsubscribe/handler.js')) as unknown as { handler: HttpHandler });
});
afterAll(async () => {
  local.client.destroy();
  await secrets.stop();
});

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
  return { ...event, isBase64Encoded: base64, headers: { 'content-type': 'application/x-www-form-urlencoded' }, requestContext };
}
const signed = (requestId: string, customerId: string, topic = 'promotions') => deployedKeys.sign(unsubscribeClaims({ requestId, customerId, topic }, new Date()));

describe('one-click unsubscribe', () => {
  it('opts out of the topic on the mail provider’s one-click POST and notes it on the message', async () => {
    await customerWithEmail('c-u1', 'r-u1');
    const response = await handler(request('POST', await signed('r-u1', 'c-u1'), 'List-Unsubscribe=One-Click', true), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('promotions');
    expect((await consent('c-u1'))?.email).toEqual({ '*': 'opt_in', promotions: { value: 'opt_out', updatedAt: expect.any(String), source: 'one_click_unsubscribe' } });
    const record = (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId: 'r-u1' } }))).Item as DeliveryRecord;
    expect(record.timeline.at(-1)?.detail).toBe('UNSUBSCRIBE promotions (one-click)');
  });

  it('only shows a confirmation page when the link is opened, since scanners open links too', async () => {
    await customerWithEmail('c-u2', 'r-u2');
    const response = await handler(request('GET', await signed('r-u2', 'c-u2')), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect((await consent('c-u2'))?.email).toEqual({ '*': 'opt_in' });
  });

  it('refuses a token it did not sign and a POST without the one-click body', async () => {
    await customerWithEmail('c-u3', 'r-u3');
    const unsigned = legacyUnsubscribeToken({ requestId: 'r-u3', customerId: 'c-u3', topic: 'promotions' });
    expect((await handler(request('POST', unsigned, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(400);
    const other = await new MemoryLinkSigner(ring('k0', { k0: KEY_2 })).sign(unsubscribeClaims({ requestId: 'r-u3', customerId: 'c-u3', topic: 'promotions' }, new Date()));
    expect((await handler(request('POST', other, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(400);
    expect((await handler(request('POST', await signed('r-u3', 'c-u3'), 'hello=world'), context)).statusCode).toBe(400);
    expect((await consent('c-u3'))?.email).toEqual({ '*': 'opt_in' });
  });

  it('still opts out when the message’s record has expired', async () => {
    await customerWithEmail('c-u4');
    expect((await handler(request('POST', await signed('r-long-gone', 'c-u4', 'newsletter'), 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(200);
    expect((await consent('c-u4'))?.email?.newsletter).toMatchObject({ value: 'opt_out', source: 'one_click_unsubscribe' });
  });

  it('refuses a signed link whose customer id could never be a key, instead of failing on the database', async () => {
    const response = await handler(request('POST', await signed('r-u5', 'c'.repeat(3_000)), 'List-Unsubscribe=One-Click'), context);
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
    const missing = await handler(request('POST', await signed('r-u6', 'c-u6'), 'hello=world'), context);
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(String(missing.body)).error.problems).toEqual([{ path: 'body', message: 'The request is missing List-Unsubscribe=One-Click.' }]);
  });
  it('still honours a link from mail sent before key ids existed, signed with the key the stack generated', async () => {
    await customerWithEmail('c-u7', 'r-u7');
    const old = legacyUnsubscribeToken({ requestId: 'r-u7', customerId: 'c-u7', topic: 'promotions' }, KEY_1);
    expect((await handler(request('POST', old, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(200);
    expect((await consent('c-u7'))?.email?.promotions).toMatchObject({ value: 'opt_out', source: 'one_click_unsubscribe' });
  });

  it('refuses an expired link, saying so, and a preference link, which never unsubscribes', async () => {
    await customerWithEmail('c-u8', 'r-u8');
    const expired = await deployedKeys.sign({ purpose: 'unsubscribe', requestId: 'r-u8', customerId: 'c-u8', topic: 'promotions', expiresAt: Date.now() - 1_000 });
    const answer = await handler(request('POST', expired, 'List-Unsubscribe=One-Click'), context);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(String(answer.body)).error.code).toBe('EXPIRED_TOKEN');
    const preferences = await deployedKeys.sign({ purpose: 'preferences', customerId: 'c-u8', expiresAt: Date.now() + 60_000 });
    expect((await handler(request('POST', preferences, 'List-Unsubscribe=One-Click'), context)).statusCode).toBe(400);
    expect((await consent('c-u8'))?.email).toEqual({ '*': 'opt_in' });
  });

  it('reads the keys from Secrets Manager once, not per link', async () => {
    const open = async (id: string) => {
      await customerWithEmail(`c-u${id}`, `r-u${id}`);
      expect((await handler(request('GET', await signed(`r-u${id}`, `c-u${id}`)), context)).statusCode).toBe(200);
    };
    await open('9');
    const first = secrets.reads();
    for (const id of ['10', '11', '12']) await open(id);
    expect(first).toBeGreaterThan(0);
    expect(secrets.reads()).toBe(first);
  });
});

describe('one-click unsubscribe with no signing keys configured', () => {
  const unconfigured = { feedback: fakeFeedback, links: new MemoryLinkSigner(), log: { info: () => undefined, error: () => undefined } };

  it('refuses every link, signed or not, with a 403 that says why, to a mail provider and to a person', async () => {
    for (const token of [await signed('r-known', 'c-fuzz'), legacyUnsubscribeToken({ requestId: 'r-known', customerId: 'c-fuzz', topic: 'promotions' })]) {
      const answer = await routeUnsubscribe(request('POST', token, 'List-Unsubscribe=One-Click'), unconfigured);
      expect(answer.statusCode).toBe(403);
      expect(JSON.parse(String(answer.body)).error.code).toBe('LINKS_NOT_CONFIGURED');
    }
    const page = request('GET', await signed('r-known', 'c-fuzz'));
    page.headers = { accept: 'text/html' };
    const answer = await routeUnsubscribe(page, unconfigured);
    expect(answer).toMatchObject({ statusCode: 403, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(answer.body).toContain('no signing keys configured');
  });
});
