import { describe, expect, it } from 'vitest';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { RenderError, RetryableError } from '../../functions/core/errors.js';
import type { LinkSettings } from '../../functions/core/links.js';
import type { Channel } from '../../functions/core/model.js';
import type { LinkClaims, LinkSigner } from '../../functions/core/ports.js';
import { CustomerRenderer } from '../../functions/core/render/customer-renderer.js';
import { parseSendRequest, type SendRequest } from '../../functions/core/request.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';
import { KEY_1, ring } from '../support/link-keys.js';
import { harness, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const DAY = 86_400_000;
const keys = new MemoryLinkSigner(ring('k1', { k1: KEY_1 }));
const settings = (signer: LinkSigner = keys): LinkSettings => ({
  signer,
  unsubscribeBaseUrl: 'https://api.example.com/unsubscribe',
  preferencesBaseUrl: 'https://api.example.com/preference-centre?lang=en',
});
const customer = reachableCustomer('c-1001');
const request = (over: Record<string, unknown> = {}): SendRequest =>
  (parseSendRequest(testRequest({ customerId: 'c-1001', ...over })) as { ok: true; request: SendRequest }).request;

/** Every channel shows both links, the way a marketer may write them. */
const withLinks = (overrides: Partial<CompiledTemplate['manifest']> = {}) =>
  testTemplate(overrides, {
    'email.html': { default: '<p>{{ data.item }}</p><a href="{{ preferences_url }}">Preferences</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a>' },
    sms: { default: 'Your {{ data.item }}. Choose what we send: {{ preferences_url }}' },
    'push.body': { default: 'Your {{ data.item }} is waiting.' },
    'in_app.body': { default: 'Your {{ data.item }}. {{ preferences_url }}' },
  });

/** The links of an email, in order, as a mail client reads them. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));
}

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token') ?? '';
}

/** Counts what it signs, so a test can see that a message without links signs nothing. */
class CountingSigner implements LinkSigner {
  signed: LinkClaims[] = [];
  async sign(claims: LinkClaims): Promise<string> {
    this.signed.push(claims);
    return keys.sign(claims);
  }
  verify = keys.verify.bind(keys);
}

describe('links in the Liquid scope', () => {
  it('gives email a signed preference link for 90 days and a one-click unsubscribe link for 400, naming the message', async () => {
    const email = await new CustomerRenderer(undefined, settings()).render(withLinks(), 'email', customer, request(), NOW);
    const [preferences, unsubscribe] = hrefs(email.html);
    expect(preferences).toMatch(/^https:\/\/api\.example\.com\/preference-centre\?lang=en&token=k1\./);
    expect(await keys.verify(tokenOf(preferences as string), 'preferences', NOW)).toEqual({
      ok: true,
      claims: { purpose: 'preferences', customerId: 'c-1001', expiresAt: NOW.getTime() + 90 * DAY },
    });
    expect(await keys.verify(tokenOf(unsubscribe as string), 'unsubscribe', NOW)).toEqual({
      ok: true,
      claims: { purpose: 'unsubscribe', customerId: 'c-1001', requestId: 'r-1', topic: 'promotions', expiresAt: NOW.getTime() + 400 * DAY },
    });
  });

  it.each(['sms', 'in_app'] as Channel[])('lets %s templates show the preference link too', async (channel) => {
    const rendered = (await new CustomerRenderer(undefined, settings()).render(withLinks(), channel, customer, request(), NOW)) as { body: string };
    expect(rendered.body).toMatch(/https:\/\/api\.example\.com\/preference-centre\?lang=en&token=k1\.[\w-]+\.[\w-]+$/);
  });

  it('signs the topic the message is sent under, which a request may name', async () => {
    const email = await new CustomerRenderer(undefined, settings()).render(withLinks(), 'email', customer, request({ topic: 'new-arrivals' }), NOW);
    const [, unsubscribe] = hrefs(email.html);
    expect(await keys.verify(tokenOf(unsubscribe as string), 'unsubscribe', NOW)).toMatchObject({ ok: true, claims: { topic: 'new-arrivals' } });
  });

  it('signs nothing for a message that shows no link', async () => {
    const signer = new CountingSigner();
    const renderer = new CustomerRenderer(undefined, settings(signer));
    await renderer.render(withLinks(), 'push', customer, request(), NOW);
    expect(signer.signed).toEqual([]);
    await renderer.render(withLinks(), 'sms', customer, request(), NOW);
    expect(signer.signed.map((c) => c.purpose)).toEqual(['preferences']);
  });

  it('refuses to render a link it cannot sign: no keys configured, or no signer at all', async () => {
    for (const renderer of [new CustomerRenderer(undefined, settings(new MemoryLinkSigner())), new CustomerRenderer()]) {
      const error = await renderer.render(withLinks(), 'sms', customer, request(), NOW).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).problems[0]).toMatch(/^test-offer \[sms\] uses preferences_url, but/);
    }
  });

  it('gives a render back for another try when the keys cannot be read right now', async () => {
    const unavailable: LinkSigner = { sign: () => Promise.reject(new RetryableError('throttled', 'LINK_KEYS_UNAVAILABLE')), verify: keys.verify.bind(keys) };
    const error = await new CustomerRenderer(undefined, settings(unavailable)).render(withLinks(), 'email', customer, request(), NOW).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('never gives a transactional message an unsubscribe link', async () => {
    const error = await new CustomerRenderer(undefined, settings())
      .render(withLinks({ category: 'transactional', topic: 'order-updates' }), 'email', customer, request(), NOW)
      .catch((caught: unknown) => caught);
    expect((error as RenderError).problems[0]).toMatch(/uses unsubscribe_url, which only marketing messages carry/);
  });
});

describe('a message whose link cannot be signed', () => {
  it('is not sent on that channel: the next channel is tried, and the record says why', async () => {
    const template = testTemplate({}, { 'push.body': { default: 'Your {{ data.item }}: {{ preferences_url }}' } });
    const h = harness({ customers: [reachableCustomer('c-1')], templates: [template] });
    h.deps.renderer = new CustomerRenderer(undefined, settings(new MemoryLinkSigner()));
    const [outcome] = await h.run([testRequest({ channels: ['push', 'sms'] })]);
    const record = h.deliveries.get('r-1');
    expect(record?.attempts.map((a) => [a.channel, a.outcome, a.error?.code])).toEqual([
      ['push', 'FAILED_PERMANENT', 'RENDER_FAILED'],
      ['sms', 'SENT', undefined],
    ]);
    expect(record?.attempts[0]?.error?.message).toContain('uses preferences_url, but links cannot be signed (LINKS_NOT_CONFIGURED)');
    expect(outcome).toMatchObject({ status: 'SENT', channels: ['sms'] });
    expect(h.senders.push.sent).toHaveLength(0);
  });
});
