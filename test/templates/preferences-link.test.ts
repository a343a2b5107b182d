import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesCheck } from '../../functions/cli/commands/templates-check.js';
import { formatProblem } from '../../functions/core/render/problems.js';
import { checkTemplateFolder, DEFAULT_TEMPLATES_DIR } from '../../functions/template-compiler/index.js';

const NO_LINK = /has no link to \{\{ preferences_url \}\}/;
const FOOTER_LINK = '<a href="{{ preferences_url }}" style="color:#6b746e;">Choose what we send you</a> or ';
const FOOTER_LINK_DE = '<a href="{{ preferences_url }}" style="color:#6b746e;">Wähle aus, was wir dir schicken</a>, oder ';

describe('the preference link in the marketers’ templates', () => {
  let dir: string;
  const edit = async (file: string, change: (text: string) => string) => {
    const path = join(dir, file);
    const before = await readFile(path, 'utf8');
    const after = change(before);
    // An edit that matches nothing would make the test pass for the wrong reason.
    expect(after, file).not.toBe(before);
    await writeFile(path, after);
  };
  const check = async () => (await checkTemplateFolder(dir)).problems.map(formatProblem);
  const fresh = async () => {
    await rm(dir, { recursive: true, force: true });
    await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'preferences-link-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is in the footer of every marketing email and its translations, and transactional emails need none', async () => {
    const { bundle, problems } = await checkTemplateFolder(DEFAULT_TEMPLATES_DIR);
    expect(problems.map(formatProblem)).toEqual([]);
    const emails = Object.values(bundle.templates).filter((template) => template.manifest.channels.includes('email'));
    const variants = (category: string) =>
      emails.filter((t) => t.manifest.category === category).flatMap((t) => Object.values(t.parts['email.html'] ?? {}));
    // Both kinds are really there, so the check above covered each of them.
    expect(variants('marketing').length).toBeGreaterThanOrEqual(3);
    for (const html of variants('marketing')) expect(html).toContain('href="{{ preferences_url }}"');
    expect(variants('transactional').length).toBeGreaterThanOrEqual(1);
    expect(variants('transactional').some((html) => html.includes('preferences_url'))).toBe(false);
  });

  it('fails the check of a marketing email without it, naming the template, the translation and the file', async () => {
    await fresh();
    await edit('cart-reminder/email.de.mjml', (text) => text.replace(FOOTER_LINK_DE, ''));
    expect(await check()).toEqual([expect.stringMatching(new RegExp(`^cart-reminder \\[email/de\\] email\\.mjml: ${NO_LINK.source}`))]);
  });

  it('fails the CLI check with the problem on its own line', async () => {
    await fresh();
    await edit('back-in-stock/email.mjml', (text) => text.replace(FOOTER_LINK, ''));
    const out = { logs: [] as string[], errors: [] as string[] };
    const code = await templatesCheck({ templatesDir: dir }, { log: (l) => out.logs.push(l), error: (l) => out.errors.push(l) });
    expect(code).toBe(1);
    expect(out.errors).toEqual([expect.stringMatching(new RegExp(`^back-in-stock \\[email/default\\] email\\.mjml: ${NO_LINK.source}`)), '5 templates, 1 problems']);
  });

  it.each([
    ['as text', (link: string) => link.replace(/<a [^>]*>[^<]*<\/a>/, '{{ preferences_url }}')],
    ['in an HTML comment', (link: string) => `<!-- ${link} -->`],
    ['in a Liquid comment', (link: string) => `{% comment %}${link}{% endcomment %}`],
    ['in an image', () => '<img src="{{ preferences_url }}" alt="" /> '],
  ])('does not count the link %s', async (_, replace) => {
    await fresh();
    await edit('cart-reminder/email.mjml', (text) => text.replace(FOOTER_LINK, replace(FOOTER_LINK)));
    expect(await check()).toEqual([expect.stringMatching(new RegExp(`^cart-reminder \\[email/default\\] email\\.mjml: ${NO_LINK.source}`))]);
  });

  it('does not count a link the sample data renders but a condition could take away', async () => {
    await fresh();
    // The sample has data.lowStock true, so a render from it still shows the link.
    await edit('cart-reminder/email.mjml', (text) => text.replace(FOOTER_LINK, `{% if data.lowStock %}${FOOTER_LINK}{% endif %}`));
    expect(await check()).toEqual([
      'cart-reminder [email/default] email.mjml: links {{ preferences_url }} only inside an {% if %}, {% for %} or other block, so some customers could get none: put the footer link outside it',
    ]);
  });

  it('accepts the link with filters applied, as long as it is still the link', async () => {
    await fresh();
    await edit('cart-reminder/email.mjml', (text) => text.replace('href="{{ preferences_url }}"', `href="{{ preferences_url | append: '&from=footer' }}"`));
    expect(await check()).toEqual([]);
  });
});

describe('the preference link in a folder of its own', () => {
  let dir: string;
  const topics = [
    { id: 'promotions', name: 'Offers', description: 'Offers in our stores', category: 'marketing', channels: ['email'] },
    { id: 'orders', name: 'Your orders', description: 'About orders you placed', category: 'transactional', channels: ['email'] },
  ];
  const email = (footer: string) =>
    `<mjml><mj-body><mj-section><mj-column><mj-text>Your {{ data.item }}</mj-text><mj-text>${footer}</mj-text></mj-column></mj-section></mj-body></mjml>`;
  const write = async (id: string, category: 'marketing' | 'transactional', footer: string) => {
    await mkdir(join(dir, id));
    const manifest = { id, description: 'a test email', category, topic: category === 'marketing' ? 'promotions' : 'orders', channels: ['email'], variables: ['data.item'], sampleData: { data: { item: 'boots' } } };
    await writeFile(join(dir, id, 'template.json'), JSON.stringify(manifest));
    await writeFile(join(dir, id, 'email.subject.liquid'), 'Your {{ data.item }}');
    await writeFile(join(dir, id, 'email.mjml'), email(footer));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'preferences-link-own-'));
    await writeFile(join(dir, 'topics.json'), JSON.stringify({ formatVersion: 1, topics }));
    await write('offer-with-link', 'marketing', '<a href="{{ preferences_url }}">Choose what we send you</a>');
    await write('offer-without-link', 'marketing', 'Fernhill Retail GmbH');
    await write('receipt-without-link', 'transactional', 'Fernhill Retail GmbH');
    await write('receipt-with-link', 'transactional', '<a href="{{ preferences_url }}">Choose what we send you</a>');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('requires it of marketing emails only', async () => {
    const { problems } = await checkTemplateFolder(dir);
    expect(problems).toEqual([
      { template: 'offer-without-link', channel: 'email', locale: 'default', part: 'email.html', message: expect.stringMatching(NO_LINK) },
    ]);
  });
});
