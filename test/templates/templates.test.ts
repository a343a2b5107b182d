import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesCheck } from '../../functions/cli/commands/templates-check.js';
import type { Channel } from '../../functions/core/model.js';
import { formatProblem, Renderer, sampleScope, type TemplateProblem } from '../../functions/core/render/index.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { checkTemplateFolder, DEFAULT_TEMPLATES_DIR } from '../../functions/template-compiler/index.js';

const EXPECTED = ['back-in-stock', 'cart-reminder', 'in-store-offer', 'order-shipped', 'service-recovery'];

describe('the marketers’ templates', () => {
  let bundle: TemplateBundle;
  let problems: TemplateProblem[];
  const renderer = new Renderer({ appScheme: 'switchboard' });

  beforeAll(async () => {
    ({ bundle, problems } = await checkTemplateFolder(DEFAULT_TEMPLATES_DIR, { appScheme: 'switchboard' }));
  });

  const get = (id: string) => {
    const template = bundle.templates[id];
    if (!template) throw new Error(`no template ${id}`);
    return template;
  };

  it('all pass every check', () => {
    expect(problems.map(formatProblem)).toEqual([]);
    expect(Object.keys(bundle.templates).sort()).toEqual(EXPECTED);
  });

  it.each(EXPECTED)('%s covers at least three channels', (id) => {
    expect(get(id).manifest.channels.length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXPECTED.filter((id) => id !== 'order-shipped' && id !== 'service-recovery'))(
    '%s is marketing and its email offers an unsubscribe',
    async (id) => {
      const template = get(id);
      expect(template.manifest.category).toBe('marketing');
      if (!template.manifest.channels.includes('email')) return;
      for (const locale of Object.keys(template.parts['email.html'] ?? {})) {
        const email = await renderer.render(template, 'email', sampleScope(template, 'email', locale), locale);
        expect(email.text).toMatch(/unsubscribe|abmelden/i);
      }
    },
  );

  it('in-store-offer speaks differently in the store and at home', async () => {
    const template = get('in-store-offer');
    const at = (channel: Channel, context: Record<string, unknown>) => ({
      ...sampleScope(template, channel, 'default'),
      context: { locale: 'en', sessionActive: false, ...context },
    });
    const store = { surface: 'store', storeId: 'hamburg-altona' };
    const home = { surface: 'web' };

    const inStore = await renderer.render(template, 'push', at('push', store), 'en');
    const atHome = await renderer.render(template, 'push', at('push', home), 'en');
    expect(inStore.title).toBe('Welcome to Fernhill Berlin Mitte');
    expect(inStore.url).toBe('https://fernhill.example/stores/hamburg-altona/offers/winter-coats-20');
    expect(atHome.title).toBe('20% off all winter coats');
    expect(atHome.url).toBe('https://fernhill.example/offers/winter-coats-20');
    expect(atHome.body).not.toEqual(inStore.body);

    const smsInStore = await renderer.render(template, 'sms', at('sms', store), 'en');
    const smsAtHome = await renderer.render(template, 'sms', at('sms', home), 'en');
    expect(smsInStore.body).toMatch(/while you're in store/);
    expect(smsAtHome.body).not.toMatch(/in store/);
  });

  it('uses the German variant for a de-DE customer, and the Austrian one where there is one', async () => {
    const template = get('cart-reminder');
    const sms = await renderer.render(template, 'sms', sampleScope(template, 'sms', 'de'), 'de-DE');
    expect(sms.body).toMatch(/Warenkorb/);
    const email = await renderer.render(template, 'email', sampleScope(template, 'email', 'de'), 'de-DE');
    expect(email.subject).toMatch(/wartet auf dich/);
    expect(email.html).toContain('lang="de"');
    const push = await renderer.render(template, 'push', sampleScope(template, 'push', 'de'), 'de-AT');
    expect(push.title).toBe('Noch unentschlossen?');
    expect(push.body).toMatch(/^Grüß dich!/);
    const english = await renderer.render(template, 'sms', sampleScope(template, 'sms', 'default'), 'en-GB');
    expect(english.body).toMatch(/your cart is saved/);
  });

  it('greets a customer without a first name', async () => {
    const template = get('cart-reminder');
    const scope = sampleScope(template, 'sms', 'default');
    const sms = await renderer.render(template, 'sms', { ...scope, customer: { id: 'c-1' } }, 'en');
    expect(sms.body).toMatch(/^Fernhill: Hi there,/);
  });

  it.each(['en', 'de'])('renders every channel of every template from its sample data (%s)', async (locale) => {
    for (const template of Object.values(bundle.templates)) {
      for (const channel of template.manifest.channels) {
        const rendered = await renderer.render(template, channel, sampleScope(template, channel, locale), locale);
        expect(JSON.stringify(rendered)).not.toMatch(/\{\{|\{%/);
      }
    }
  });
});

describe('a broken template folder', () => {
  let dir: string;
  let problems: TemplateProblem[];
  let lines: string[];

  const sample = {
    description: 'broken on purpose',
    category: 'marketing',
    topic: 'promotions',
    sampleData: { data: { item: 'boots' } },
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'templates-'));
    const write = async (id: string, files: Record<string, string>) => {
      await mkdir(join(dir, id));
      for (const [name, content] of Object.entries(files)) await writeFile(join(dir, id, name), content);
    };
    await write('unknown-field', {
      'template.json': JSON.stringify({ id: 'unknown-field', ...sample, channels: ['sms'], variables: ['data.item'], owner: 'growth team' }),
      'sms.liquid': 'Your {{ data.item }}',
    });
    await write('wrong-id', {
      'template.json': JSON.stringify({ id: 'another-id', ...sample, channels: ['sms'], variables: ['data.item'] }),
      'sms.liquid': 'Your {{ data.item }}',
    });
    await write('broken-parts', {
      'template.json': JSON.stringify({
        id: 'broken-parts',
        ...sample,
        channels: ['email', 'sms', 'push'],
        variables: ['data.item', 'data.price'],
        sampleData: { data: { item: 'boots', discount: '10%' } },
        limits: { smsMaxSegments: 1 },
      }),
      'sms.liquid': `Your {{ data.item }} is waiting. ${'Still there? '.repeat(12)}`,
      'email.subject.liquid': 'Your {{ data.item }} in {{ data.colour }}',
      'email.mjml': '<mjml><mj-body><mj-section><mj-colum><mj-text>Hi</mj-text></mj-colum></mj-section></mj-body></mjml>',
      'email.de.mjml':
        '<mjml><mj-body><mj-section><mj-column>{% for i in data.items %}<mj-text>{{ i }}</mj-text>{% endfor %}</mj-column></mj-section></mj-body></mjml>',
      'push.title.liquid': 'Hi',
      'push.subtitle.liquid': 'Hi',
      'in_app.title.liquid': 'Hi',
    });
    ({ problems } = await checkTemplateFolder(dir));
    lines = problems.map(formatProblem);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names an unknown template.json field', () => {
    expect(problems).toContainEqual({ template: 'unknown-field', message: 'template.json (root): unknown field(s): owner' });
  });

  it('insists the id is the folder name', () => {
    expect(lines).toContain('wrong-id template.json id "another-id" must equal the folder name "wrong-id"');
  });

  it('names a variable the template uses but does not declare', () => {
    expect(lines).toContain(
      'broken-parts [email/default] email.subject: uses data.colour, which template.json does not declare in variables',
    );
  });

  it('names a declared variable missing from the sample data, and sample data nobody declared', () => {
    expect(lines).toContain('broken-parts declares data.price, but sampleData has no data.price');
    expect(lines).toContain('broken-parts sampleData has data.discount, which template.json does not declare in variables');
  });

  it('reports invalid MJML with its line', () => {
    expect(lines).toContain("broken-parts [email/default] email.mjml: line 1: Element mj-colum doesn't exist or is not registered");
  });

  it('reports Liquid that MJML would silently drop', () => {
    expect(lines).toContainEqual(expect.stringMatching(/^broken-parts \[email\/de\] email\.mjml: \{% for i in data\.items %\} does not survive MJML/));
  });

  it('reports an SMS over its segment limit', () => {
    expect(lines).toContainEqual(expect.stringMatching(/^broken-parts \[sms\/default\] sms: needs 2 SMS segments, at most 1 allowed$/));
  });

  it('reports missing parts, unknown files and parts of channels the template does not list', () => {
    expect(lines).toContain('broken-parts [push] push.body: missing push.body');
    expect(lines).toContainEqual(expect.stringMatching(/^broken-parts push\.subtitle\.liquid is not a template part/));
    expect(lines).toContain('broken-parts [in_app] in_app.title: template.json does not list in_app in channels');
  });

  it('fails the CLI check with one line per problem and a summary', async () => {
    const out = { logs: [] as string[], errors: [] as string[] };
    const code = await templatesCheck({ templatesDir: dir }, { log: (l) => out.logs.push(l), error: (l) => out.errors.push(l) });
    expect(code).toBe(1);
    expect(out.errors.slice(0, -1)).toEqual(lines);
    expect(out.errors.at(-1)).toBe(`3 templates, ${problems.length} problems`);
  });
});

describe('templates check on the real folder', () => {
  it('exits 0 with a clean summary', async () => {
    const logs: string[] = [];
    const code = await templatesCheck({ templatesDir: DEFAULT_TEMPLATES_DIR }, { log: (l) => logs.push(l), error: (l) => logs.push(l) });
    expect(logs).toEqual([`${EXPECTED.length} templates, 0 problems`]);
    expect(code).toBe(0);
  });
});
