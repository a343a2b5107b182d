import { describe, expect, it } from 'vitest';
import { RenderError } from '../../functions/core/errors.js';
import type { Customer } from '../../functions/core/model.js';
import { buildScope, CustomerRenderer, localeChain, Renderer, type RenderScope } from '../../functions/core/render/index.js';
import { parseSendRequest, type SendRequest } from '../../functions/core/request.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';

function template(parts: CompiledTemplate['parts'], overrides: Partial<CompiledTemplate['manifest']> = {}): CompiledTemplate {
  return {
    manifest: {
      id: 'unit',
      description: 'unit test template',
      category: 'marketing',
      topic: 'promotions',
      channels: ['email', 'sms', 'push', 'in_app'],
      variables: [],
      sampleData: {},
      ...overrides,
    },
    parts,
  };
}

const smsOnly = (body: string, limits?: { smsMaxSegments?: number }): CompiledTemplate =>
  template({ sms: { default: body } }, { channels: ['sms'], ...(limits ? { limits } : {}) });

function scope(data: Record<string, unknown> = {}, context: Record<string, unknown> = {}, customer: Record<string, unknown> = {}): RenderScope {
  return { customer: { id: 'c-1', ...customer }, data, context: { locale: 'en', sessionActive: false, ...context }, channel: 'sms' };
}

async function renderError(promise: Promise<unknown>): Promise<RenderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
}

const renderer = new Renderer({ appScheme: 'switchboard' });

describe('strict rendering', () => {
  it('fails on an undefined variable and names template, channel, locale and part', async () => {
    const error = await renderError(renderer.render(smsOnly('Hi {{ data.item }}'), 'sms', scope(), 'en'));
    expect(error.problems).toEqual([expect.stringMatching(/^unit \[sms\/default\] sms: undefined variable: data\.item/)]);
  });

  it('fails on an unknown filter', async () => {
    const error = await renderError(renderer.render(smsOnly('{{ data.item | shout }}'), 'sms', scope({ item: 'x' }), 'en'));
    expect(error.problems[0]).toMatch(/undefined filter: shout/);
  });

  it('lets if, unless and default test an absent optional value', async () => {
    const body =
      '{% if context.storeId %}at {{ context.storeId }}{% else %}at home{% endif %}' +
      '{% unless context.storeId %}, no store{% endunless %}, hi {{ customer.firstName | default: "there" }}';
    const home = await renderer.render(smsOnly(body), 'sms', scope(), 'en');
    expect(home.body).toBe('at home, no store, hi there');
    const store = await renderer.render(smsOnly(body), 'sms', scope({}, { storeId: 'berlin-mitte' }, { firstName: 'Lena' }), 'en');
    expect(store.body).toBe('at berlin-mitte, hi Lena');
  });

  it('does not reach prototype properties of scope values', async () => {
    const error = await renderError(renderer.render(smsOnly('{{ data.constructor }}'), 'sms', scope(), 'en'));
    expect(error.problems[0]).toMatch(/undefined variable: data\.constructor/);
  });

  it('refuses tags that would read other files', async () => {
    const error = await renderError(renderer.render(smsOnly('{% include "secrets" %}'), 'sms', scope(), 'en'));
    expect(error.problems[0]).toMatch(/tag "include" not found/);
  });

  it('refuses to read the clock through the date filter', async () => {
    const error = await renderError(renderer.render(smsOnly('{{ "now" | date: "%Y" }}'), 'sms', scope(), 'en'));
    expect(error.problems[0]).toMatch(/cannot use "now"/);
  });

  it('stops a runaway loop quickly with a RenderError', async () => {
    const loop = '{% for a in (1..5000) %}{% for b in (1..5000) %}x{% endfor %}{% endfor %}';
    const started = performance.now();
    await renderError(renderer.render(smsOnly(loop), 'sms', scope(), 'en'));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('escaping and injection', () => {
  const payload = '<script>alert(1)</script>';
  const both = template(
    {
      'email.subject': { default: 'For {{ data.name }}' },
      'email.html': { default: '<html><body><p>Hello {{ data.name }}</p></body></html>' },
      sms: { default: 'Hello {{ data.name }}' },
    },
    { channels: ['email', 'sms'] },
  );

  it('escapes values in email HTML', async () => {
    const email = await renderer.render(both, 'email', scope({ name: payload }), 'en');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain(payload);
  });

  it('leaves SMS text untouched', async () => {
    const sms = await renderer.render(both, 'sms', scope({ name: payload }), 'en');
    expect(sms.body).toBe(`Hello ${payload}`);
  });

  it('has no raw filter in email HTML, so nothing can opt out of escaping', async () => {
    const raw = template({ 'email.subject': { default: 's' }, 'email.html': { default: '<p>{{ data.name | raw }}</p>' } }, { channels: ['email'] });
    const error = await renderError(renderer.render(raw, 'email', scope({ name: payload }), 'en'));
    expect(error.problems[0]).toMatch(/undefined filter: raw/);
  });

  it('never evaluates Liquid found in request data', async () => {
    const sms = await renderer.render(
      smsOnly('Hi {{ data.name }}'),
      'sms',
      scope({ name: '{{ customer.email }}{% for i in (1..3) %}x{% endfor %}' }, {}, { email: 'lena@example.com' }),
      'en',
    );
    expect(sms.body).toBe('Hi {{ customer.email }}{% for i in (1..3) %}x{% endfor %}');
  });
});

describe('locale variants', () => {
  const greeting = smsOnly('Hello');
  greeting.parts['sms'] = { default: 'Hello', de: 'Hallo', 'de-AT': 'Servus' };

  it('falls back de-AT → de → default', async () => {
    expect(localeChain('de-AT')).toEqual(['de-at', 'de', 'default']);
    expect((await renderer.render(greeting, 'sms', scope(), 'de-AT')).body).toBe('Servus');
    expect((await renderer.render(greeting, 'sms', scope(), 'de-DE')).body).toBe('Hallo');
    expect((await renderer.render(greeting, 'sms', scope(), 'de')).body).toBe('Hallo');
    expect((await renderer.render(greeting, 'sms', scope(), 'fr-FR')).body).toBe('Hello');
  });

  it('matches locale keys case-insensitively', async () => {
    expect((await renderer.render(greeting, 'sms', scope(), 'DE-at')).body).toBe('Servus');
  });
});

describe('push', () => {
  const push = (url: string, body = 'Your boots are waiting'): CompiledTemplate =>
    template({ 'push.title': { default: 'Still there?' }, 'push.body': { default: body }, 'push.url': { default: url } }, { channels: ['push'] });

  it('accepts https and the configured app scheme', async () => {
    expect((await renderer.render(push('https://fernhill.example/cart'), 'push', scope(), 'en')).url).toBe('https://fernhill.example/cart');
    expect((await renderer.render(push('switchboard://cart'), 'push', scope(), 'en')).url).toBe('switchboard://cart');
  });

  it.each(['http://fernhill.example/cart', 'javascript:alert(1)', 'otherapp://cart', '/cart'])('refuses %s', async (url) => {
    const error = await renderError(renderer.render(push(url), 'push', scope(), 'en'));
    expect(error.problems[0]).toMatch(/^unit \[push\/default\] push\.url: /);
  });

  it('refuses the app scheme when none is configured', async () => {
    await renderError(new Renderer().render(push('switchboard://cart'), 'push', scope(), 'en'));
  });

  it('leaves the url out when it renders empty', async () => {
    const rendered = await renderer.render(push('{% if data.url %}{{ data.url }}{% endif %}'), 'push', scope(), 'en');
    expect(rendered).not.toHaveProperty('url');
  });

  it('counts the UTF-8 bytes of the APNs payload', async () => {
    const rendered = await renderer.render(push('https://a.example/x', 'Grüße'), 'push', scope(), 'en');
    const expected = Buffer.byteLength(JSON.stringify({ aps: { alert: { title: 'Still there?', body: 'Grüße' } }, url: 'https://a.example/x' }));
    expect(rendered.payloadBytes).toBe(expected);
  });

  it('fails when the payload would exceed 4 KB', async () => {
    const error = await renderError(renderer.render(push('https://a.example/x', '{{ data.long }}'), 'push', scope({ long: 'é'.repeat(2100) }), 'en'));
    expect(error.problems[0]).toMatch(/payload is \d+ bytes, at most 4096/);
  });
});

describe('email and in-app', () => {
  const email = template(
    {
      'email.subject': { default: 'Your   {{ data.item }}\n  is waiting' },
      'email.preheader': { default: 'Saved for you & ready' },
      'email.html': { default: '<html><body><h1>Still there?</h1><p>Your {{ data.item }} is waiting.</p></body></html>' },
    },
    { channels: ['email'] },
  );

  it('keeps the subject on one line, puts the preheader first and hidden, and writes a text part', async () => {
    const rendered = await renderer.render(email, 'email', scope({ item: 'boots' }), 'en');
    expect(rendered.subject).toBe('Your boots is waiting');
    expect(rendered.preheader).toBe('Saved for you & ready');
    expect(rendered.html).toMatch(/<body><div class="preheader" style="display:none;[^"]*">Saved for you &amp; ready<\/div><h1>/);
    expect(rendered.text).toBe('Still there?\n\nYour boots is waiting.');
  });

  it('renders an action only with both label and url', async () => {
    const inApp = (label: string, url: string): CompiledTemplate =>
      template(
        {
          'in_app.title': { default: 'Hi' },
          'in_app.body': { default: 'Body' },
          'in_app.action_label': { default: label },
          'in_app.action_url': { default: url },
        },
        { channels: ['in_app'] },
      );
    const both = await renderer.render(inApp('View', 'https://a.example'), 'in_app', scope(), 'en');
    expect(both.action).toEqual({ label: 'View', url: 'https://a.example' });
    const neither = await renderer.render(inApp('{{ "" }}', '{{ "" }}'), 'in_app', scope(), 'en');
    expect(neither).not.toHaveProperty('action');
    const error = await renderError(renderer.render(inApp('View', '{{ "" }}'), 'in_app', scope(), 'en'));
    expect(error.problems[0]).toMatch(/both a label and a url/);
  });

  it('fails on a channel the template does not offer and on an empty required part', async () => {
    await renderError(renderer.render(smsOnly('x'), 'push', scope(), 'en'));
    const error = await renderError(renderer.render(smsOnly('{% if false %}x{% endif %}'), 'sms', scope(), 'en'));
    expect(error.problems[0]).toMatch(/rendered empty/);
  });
});

describe('scope', () => {
  const customer: Customer = {
    customerId: 'c-1001',
    locale: 'de-DE',
    timeZone: 'Europe/Berlin',
    attributes: { firstName: 'Lena', id: 'spoofed' },
    email: { address: 'lena@example.com' },
    phone: { number: '+4915112345678' },
    push: [{ token: 'f3c1', platform: 'APNS' }],
    consent: { sms: { promotions: 'opt_out' } },
    context: { surface: 'store', storeId: 'berlin-mitte' },
  };
  const parsed = parseSendRequest({ requestId: 'r-1', customerId: 'c-1001', template: 'unit', data: { item: 'boots' }, context: { surface: 'web' } });
  const request = (parsed as { ok: true; request: SendRequest }).request;

  it('exposes attributes and identity, never addresses, tokens or consent', () => {
    const built = buildScope(customer, request, 'push', new Date('2026-11-23T16:00:00Z'));
    expect(built.customer).toEqual({ firstName: 'Lena', id: 'c-1001', locale: 'de-DE', timeZone: 'Europe/Berlin' });
    expect(built.data).toEqual({ item: 'boots' });
    expect(built.context).toMatchObject({ surface: 'web', storeId: 'berlin-mitte', locale: 'de-DE' });
    expect(built.channel).toBe('push');
  });

  it('renders for a customer in the effective locale', async () => {
    const greeting = smsOnly('Hello {{ customer.firstName }}');
    greeting.parts['sms'] = { default: 'Hello {{ customer.firstName }}', de: 'Hallo {{ customer.firstName }}' };
    const rendered = await new CustomerRenderer().render(greeting, 'sms', customer, request, new Date('2026-11-23T16:00:00Z'));
    expect(rendered.body).toBe('Hallo Lena');
  });
});

describe('parse cache', () => {
  it('renders a changed template under the same id afresh', async () => {
    const cached = new Renderer();
    expect((await cached.render(smsOnly('one'), 'sms', scope(), 'en')).body).toBe('one');
    expect((await cached.render(smsOnly('two'), 'sms', scope(), 'en')).body).toBe('two');
  });
});
