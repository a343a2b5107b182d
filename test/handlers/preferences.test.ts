import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConsentWriter } from '../../functions/adapters/dynamo-consent-writer.js';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import { checkConsent } from '../../functions/core/consent.js';
import type { Customer } from '../../functions/core/model.js';
import type { PreferenceView } from '../../functions/core/preferences/view.js';
import type { PreferenceCentreDeps } from '../../functions/preferences/centre.js';
import { routePreferences } from '../../functions/preferences/routes.js';
import { PREFERENCE_REGISTRY } from '../fixtures/preference-registry.js';
import { jwtEvent } from '../support/http-events.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const DAY = 86_400_000;
let local: LocalTables;
let deps: PreferenceCentreDeps;
let links: MemoryLinkSigner;
const ring = (keyId: string) => ({ currentKeyId: keyId, keys: new Map([[keyId, `${keyId}-preference-test-signing-key-0123456789`]]) });

beforeAll(async () => {
  local = await localTables('prefs');
  links = new MemoryLinkSigner(ring('k1'));
  deps = {
    customers: new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers }),
    consent: new DynamoConsentWriter(local.doc, { tableName: local.tables.customers }),
    registry: PREFERENCE_REGISTRY,
    clock: fixedClock(NOW),
    links,
    brand: 'Fernhill',
    log: { info: () => undefined, warn: () => undefined },
  };
});
afterAll(() => local.client.destroy());

async function customer(customerId: string, consent: Customer['consent']): Promise<void> {
  const item: Customer = {
    customerId,
    email: { address: 'ada@example.com', status: 'active' },
    phone: { number: '+447700900123', status: 'active' },
    ...(consent ? { consent } : {}),
  };
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: item }));
}
async function consentOf(customerId: string): Promise<Customer['consent']> {
  return ((await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }))).Item as Customer).consent;
}
const link = (customerId: string, expiresAt = NOW.getTime() + 90 * DAY) => links.sign({ purpose: 'preferences', customerId, expiresAt });

/** The public page route: API Gateway passes no authorizer context. */
function pageRequest(method: string, input: { query?: Record<string, string>; form?: URLSearchParams } = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const event = jwtEvent({ method, path: '/preference-centre', ...(input.query ? { query: input.query } : {}), ...(input.form ? { body: input.form.toString() } : {}) });
  const { authorizer: _none, ...requestContext } = event.requestContext;
  return { ...event, headers: { 'content-type': 'application/x-www-form-urlencoded' }, requestContext } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}
const call = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => routePreferences(event, deps) as Promise<APIGatewayProxyStructuredResultV2 & { body: string }>;

/** What a browser posts for the page as it was rendered, after clicking the boxes in `toggle`. */
function formFrom(page: string, toggle: string[] = [], action = 'save'): URLSearchParams {
  const form = new URLSearchParams();
  const unescape = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="(token|shown)" value="([^"]*)">/g)) form.append(name as string, unescape(value as string));
  for (const [, value, checked] of page.matchAll(/name="on" value="([^"]+)"( checked)?>/g))
    if (Boolean(checked) !== toggle.includes(value as string)) form.append('on', value as string);
  form.append('action', action);
  return form;
}

describe('the preference centre page', () => {
  it('shows the topics on the customer’s channels with their current choices, the brand and the link in the form', async () => {
    await customer('c-page-1', { email: { '*': 'opt_in' }, sms: { promotions: 'opt_out' } });
    const token = await link('c-page-1');

    const page = await call(pageRequest('GET', { query: { token } }));

    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    expect(page.body).toContain('<h1>Messages from Fernhill</h1>');
    expect(page.body).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(page.body).toContain('<input type="checkbox" id="choice-email-promotions" name="on" value="email:promotions" checked> Email</label>');
    expect(page.body).toContain('<input type="checkbox" id="choice-sms-promotions" name="on" value="sms:promotions"> Text message</label>');
    // Required: shown ticked and locked, and not part of what the form posts.
    expect(page.body).toContain('<input type="checkbox" id="choice-email-order-updates" disabled checked> Email (required)</label>');
    expect(page.body).toContain('<button type="submit" class="secondary" name="action" value="no-marketing:email">No marketing by email</button>');
    // No push token and no in-app inbox: those channels are not offered.
    expect(page.body).not.toMatch(/push:|in_app:/);
  });

  it('saves an unticked topic with its source and time, then shows the page again with the choice saved', async () => {
    await customer('c-page-2', { email: { '*': 'opt_in' } });
    const token = await link('c-page-2');
    const shown = (await call(pageRequest('GET', { query: { token } }))).body;

    const saved = await call(pageRequest('POST', { form: formFrom(shown, ['email:promotions']) }));

    expect(saved.statusCode).toBe(303);
    expect(saved.headers?.location).toBe(`preference-centre?${new URLSearchParams({ token, saved: '1' }).toString()}`);
    const consent = await consentOf('c-page-2');
    expect(consent?.email?.promotions).toEqual({ value: 'opt_out', updatedAt: NOW.toISOString(), source: 'preference_centre' });
    expect(checkConsent(consent, 'email', 'marketing', 'promotions')).toMatchObject({
      allowed: false,
      basis: `email/promotions: opt_out (preference_centre, ${NOW.toISOString()})`,
    });
    // Only the box that changed was written.
    expect(Object.keys(consent?.email ?? {}).sort()).toEqual(['*', 'promotions']);
    const again = await call(pageRequest('GET', { query: { token, saved: '1' } }));
    expect(again.body).toContain('<p class="notice saved" role="status">Your choices are saved.</p>');
    expect(again.body).toContain('value="email:promotions"> Email</label>');
  });

  it('does not undo a change made elsewhere after the page was opened', async () => {
    await customer('c-page-3', { email: { '*': 'opt_in' } });
    const token = await link('c-page-3');
    const shown = (await call(pageRequest('GET', { query: { token } }))).body;
    // Meanwhile: a one-click unsubscribe from an email.
    await deps.consent.apply('c-page-3', [{ channel: 'email', topic: 'promotions', value: 'opt_out', source: 'one_click_unsubscribe', updatedAt: '2026-11-24T11:59:00.000Z' }]);

    const saved = await call(pageRequest('POST', { form: formFrom(shown, ['email:newsletter']) }));

    expect(saved.statusCode).toBe(303);
    const consent = await consentOf('c-page-3');
    expect(consent?.email?.promotions).toMatchObject({ value: 'opt_out', source: 'one_click_unsubscribe' });
    expect(consent?.email?.newsletter).toMatchObject({ value: 'opt_out', source: 'preference_centre' });
  });

  it('"No marketing by email" switches off every marketing topic there, and order updates keep coming', async () => {
    await customer('c-page-4', { email: { '*': 'opt_in' }, sms: { '*': 'opt_in' } });
    const token = await link('c-page-4');
    const shown = (await call(pageRequest('GET', { query: { token } }))).body;

    expect((await call(pageRequest('POST', { form: formFrom(shown, [], 'no-marketing:email') }))).statusCode).toBe(303);

    const consent = await consentOf('c-page-4');
    expect(checkConsent(consent, 'email', 'marketing', 'promotions').allowed).toBe(false);
    expect(checkConsent(consent, 'email', 'marketing', 'newsletter').allowed).toBe(false);
    expect(checkConsent(consent, 'email', 'transactional', 'order-updates').allowed).toBe(true);
    expect(consent?.email?.['*']).toBe('opt_in');
    expect(checkConsent(consent, 'sms', 'marketing', 'promotions').allowed).toBe(true);
    expect((await call(pageRequest('GET', { query: { token } }))).body).toContain('<li>Email: no marketing.</li>');
  });

  it('lists the problems of a form that tries to switch off a required topic, and saves nothing', async () => {
    await customer('c-page-5', { email: { '*': 'opt_in' } });
    const token = await link('c-page-5');
    const form = new URLSearchParams({ token, action: 'save' });
    form.append('shown', 'email:order-updates:on');
    form.append('shown', 'email:promotions:on');

    const answer = await call(pageRequest('POST', { form }));

    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain(
      '<div class="notice problems" role="alert"><h2>Nothing was saved</h2><ul><li>Order updates is required on email and cannot be switched off</li></ul></div>',
    );
    expect(await consentOf('c-page-5')).toEqual({ email: { '*': 'opt_in' } });
  });

  it.each([
    ['no token', undefined, 400, 'This link is not valid'],
    ['a link signed with another key', 'foreign', 400, 'This link is not valid'],
    ['text that is no link at all', 'c-page-6', 400, 'This link is not valid'],
    ['an unsubscribe link', 'unsubscribe', 400, 'This link is not valid'],
    ['an expired link', 'expired', 410, 'This link has expired'],
  ])('refuses %s', async (_name, kind, status, heading) => {
    await customer('c-page-6', { email: { '*': 'opt_in' } });
    const token =
      kind === 'expired'
        ? await link('c-page-6', NOW.getTime() - 1)
        : kind === 'unsubscribe'
          ? await links.sign({ purpose: 'unsubscribe', customerId: 'c-page-6', requestId: 'r-1', topic: 'promotions', expiresAt: NOW.getTime() + DAY })
          : kind === 'foreign'
            ? await new MemoryLinkSigner(ring('k9')).sign({ purpose: 'preferences', customerId: 'c-page-6', expiresAt: NOW.getTime() + DAY })
            : kind;
    for (const event of [
      pageRequest('GET', token ? { query: { token } } : {}),
      pageRequest('POST', { form: new URLSearchParams({ token: token ?? '', action: 'no-marketing:email' }) }),
    ]) {
      const answer = await call(event);
      expect([answer.statusCode, answer.body]).toEqual([status, expect.stringContaining(`<h1>${heading}</h1>`)]);
    }
    expect(await consentOf('c-page-6')).toEqual({ email: { '*': 'opt_in' } });
  });

  it('fails closed when no signing key is configured', async () => {
    await customer('c-page-7', { email: { '*': 'opt_in' } });
    const token = await link('c-page-7');
    const closed = { ...deps, links: new MemoryLinkSigner() };

    const answer = await routePreferences(pageRequest('GET', { query: { token } }), closed);

    expect(answer.statusCode).toBe(503);
  });
});

const app = (method: string, body?: unknown, sub: string | null = 'c-app-1') =>
  call(jwtEvent({ method, path: '/preferences', ...(sub ? { sub } : {}), ...(body === undefined ? {} : { body }) }));

describe('GET and PUT /preferences for the app', () => {
  it('answers with the signed-in customer’s choices and saves changes with the source "app"', async () => {
    await customer('c-app-1', { email: { '*': 'opt_in' } });
    const before = JSON.parse((await app('GET')).body) as PreferenceView;
    expect(before.topics.find((t) => t.id === 'promotions')?.choices.email).toMatchObject({ subscribed: true, decidedBy: { topic: '*' } });

    const put = await app('PUT', { topics: { promotions: { email: false, sms: true } } });

    expect(put.statusCode).toBe(200);
    const after = JSON.parse(put.body) as PreferenceView;
    expect(after.topics.find((t) => t.id === 'promotions')?.choices).toMatchObject({ email: { subscribed: false }, sms: { subscribed: true } });
    expect((await consentOf('c-app-1'))?.sms).toEqual({ promotions: { value: 'opt_in', updatedAt: NOW.toISOString(), source: 'app' } });
  });

  it('refuses what the registry does not allow, listing every problem with its path', async () => {
    await customer('c-app-2', { email: { '*': 'opt_in' } });

    const answer = await app(
      'PUT',
      { topics: { 'order-updates': { email: false }, promotion: { email: false }, promotions: { fax: true } }, noMarketingOn: ['carrier-pigeon'] },
      'c-app-2',
    );

    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).error.problems.map((p: { path: string }) => p.path)).toEqual(['body.topics.promotions', 'body.noMarketingOn.0']);
    const registryProblems = await app('PUT', { topics: { 'order-updates': { email: false }, promotion: { email: false } } }, 'c-app-2');
    expect(JSON.parse(registryProblems.body).error).toMatchObject({
      code: 'INVALID_PREFERENCES',
      problems: [
        { path: 'body.topics.order-updates.email', message: 'Order updates is required on email and cannot be switched off' },
        { path: 'body.topics.promotion.email', message: expect.stringContaining('is not a topic') },
      ],
    });
    expect(await consentOf('c-app-2')).toEqual({ email: { '*': 'opt_in' } });
  });

  it('answers 401 without a customer in the token, 404 for a customer with no record and 400 for a body that is not JSON', async () => {
    expect((await app('GET', undefined, null)).statusCode).toBe(401);
    expect((await app('GET', undefined, 'c-nobody')).statusCode).toBe(404);
    expect((await app('PUT', { noMarketingOn: ['email'] }, 'c-nobody')).statusCode).toBe(404);
    expect((await app('PUT', 'not json')).statusCode).toBe(400);
    expect((await app('PUT', {})).statusCode).toBe(400);
    expect((await app('DELETE')).statusCode).toBe(405);
  });
});
