import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { templatesCheck } from '../../functions/cli/commands/templates-check.js';
import { emailText } from '../../functions/core/render/email.js';
import { Renderer } from '../../functions/core/render/index.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';
import { deriveEmailText } from '../../functions/template-compiler/email-text.js';
import { checkTemplateFolder, compileMjml, parsePartFileName } from '../../functions/template-compiler/index.js';
import { renderPreviews } from '../../functions/template-preview/render-all.js';

const renderer = new Renderer();
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const page = (body: string): string => `<html><head><title>{{ data.title | default: "Fernhill" }}</title></head><body>${body}</body></html>`;

async function mjml(column: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'email-text-'));
  dirs.push(dir);
  const source = `<mjml><mj-body><mj-section><mj-column>${column}</mj-column></mj-section></mj-body></mjml>`;
  await writeFile(join(dir, 'email.mjml'), source);
  const compiled = await compileMjml(source, join(dir, 'email.mjml'));
  if (compiled.html === undefined) throw new Error(compiled.problems.join('; '));
  return compiled.html;
}

function derived(html: string): string {
  const result = deriveEmailText(html);
  if (!result.ok) throw new Error(result.reason);
  return result.text;
}

/** The text part both ways: rendered from the derived template, and converted from the rendered HTML. */
async function bothWays(html: string, data: Record<string, unknown>): Promise<{ text: string; converted: string }> {
  const template: CompiledTemplate = {
    manifest: { id: 'derived', description: 'derived', category: 'transactional', topic: 'orders', channels: ['email'], variables: [], sampleData: {} },
    parts: { 'email.subject': { default: 'Subject' }, 'email.html': { default: html }, 'email.text': { default: derived(html) } },
  };
  const email = await renderer.render(template, 'email', { customer: { id: 'c-1' }, data, context: { locale: 'en' }, channel: 'email' }, 'en');
  return { text: email.text, converted: emailText(email.html) };
}

async function expectSameText(html: string, data: Record<string, unknown>, expected?: string): Promise<void> {
  const { text, converted } = await bothWays(html, data);
  expect(text, JSON.stringify(data)).toBe(converted);
  if (expected !== undefined) expect(text).toBe(expected);
}

describe('deriving the email text part at build time', () => {
  it('keeps Liquid where the copy had it and converts the HTML around it', () => {
    const text = derived(page('<h1>Hello {{ customer.firstName | default: "there" }}</h1><p>Your &amp; our <strong>order</strong></p>'));
    expect(text.replace(/[\uFDD0-\uFDD4]/g, '')).toBe('Hello{{ customer.firstName | default: "there" }}\n\nYour & our order');
    expect(text).not.toContain('data.title');
  });

  it('repeats the rows of a loop inside an mj-table, for no, one and several items', async () => {
    const html = await mjml(`<mj-table><tr><th>Item</th>
      <th>Qty</th></tr>
      {% for item in data.items %}<tr><td>{{ item.name }}</td><td>{{ item.quantity }}</td></tr>{% endfor %}
      </mj-table><mj-text>Thanks</mj-text>`);
    await expectSameText(html, { items: [] }, 'Item Qty\n\nThanks');
    await expectSameText(html, { items: [{ name: 'Field jacket', quantity: 1 }] }, 'Item Qty\n\nField jacket\n\n1\n\nThanks');
    await expectSameText(html, { items: [{ name: '', quantity: 1 }, { name: 'Socks, 2-pack', quantity: '' }, { name: 'Boots', quantity: 3 }] });
  });

  it('shows a link address from Liquid unless it is empty, in-page or the link text itself', async () => {
    const html = page('<p>Visit <a href="{{ data.url }}">{{ data.url }}</a> or <a href="{{ data.url }}">our shop</a>.</p>');
    await expectSameText(html, { url: 'https://fernhill.example/o/1' }, 'Visit https://fernhill.example/o/1 or our shop [https://fernhill.example/o/1].');
    await expectSameText(html, { url: '' }, 'Visit or our shop.');
    await expectSameText(html, { url: '#top' });
    await expectSameText(html, { url: 'mailto:care@fernhill.example' });
    await expectSameText(html, { url: ' https://fernhill.example ' });
  });

  it('reads a linked image as its alt text from Liquid', async () => {
    const html = await mjml('<mj-image src="{{ data.image }}" alt="{{ data.name }}" href="{{ data.url }}" /><mj-text>After</mj-text>');
    await expectSameText(html, { image: 'https://cdn.example/i.png', name: 'Trail runner', url: 'https://fernhill.example/p/1' }, 'Trail runner [https://fernhill.example/p/1]\n\nAfter');
    await expectSameText(html, { image: 'https://cdn.example/i.png', name: '', url: 'https://fernhill.example/p/1' });
  });

  it('prints request data literally: markup, entities and Liquid in a value are text, never evaluated', async () => {
    const html = page('<p>Hi {{ data.name }}, you asked: {{ data.question }}</p>');
    await expectSameText(html, { name: '<b>Lena</b> & co', question: '{{ customer.id }} {% if true %}x{% endif %} &amp;' },
      'Hi <b>Lena</b> & co, you asked: {{ customer.id }} {% if true %}x{% endif %}\n&amp;');
  });

  it('collapses the whitespace of values and of Liquid that prints nothing as the conversion does', async () => {
    const html = page('<p>Hi {% if data.name %} {{ data.name }} {% endif %}, welcome{% unless data.back %} back{% endunless %}!</p><div>{{ data.name }}</div><div>End</div>');
    await expectSameText(html, { name: '  Lena \n Müller ', back: false }, 'Hi Lena Müller , welcome back!\n\nLena Müller\nEnd');
    await expectSameText(html, { name: '', back: true });
    await expectSameText(html, { name: ' ', back: true });
  });

  it('keeps the empty line a <br> leaves, and drops lines only tags were on', async () => {
    const html = page('<p>With apologies,<br>{{ data.agent }}<br>{{ data.team }}<br>Fernhill</p><div>A</div>{% if data.more %}<div>B</div>{% endif %}<div>C</div>');
    await expectSameText(html, { agent: 'Mia', team: '', more: false }, 'With apologies,\nMia\n\nFernhill\n\nA\nC');
    await expectSameText(html, { agent: '', team: 'Care', more: true });
  });

  it('applies Liquid whitespace control before converting', async () => {
    const html = page('<p>Hello {{- data.name -}} !</p><p>A {%- if data.on -%} B {%- endif -%} C</p>');
    await expectSameText(html, { name: 'Lena', on: true }, 'HelloLena!\n\nABC');
    await expectSameText(html, { name: 'Lena', on: false });
  });

  it('wraps at 78 columns after the values are in, as the conversion of the rendered HTML does', async () => {
    const html = page('<p>{{ data.a }} and then some static copy that runs on {{ data.b }} for longer than a line</p>');
    await expectSameText(html, { a: 'word '.repeat(20), b: `https://fernhill.example/${'x'.repeat(90)}` });
  });

  it.each([
    ['a heading that uppercases Liquid', '<h4>Hi {{ data.name }}</h4>', /uppercased/],
    ['a list, which indents its wrapped lines', '<ul><li>{{ data.name }}</li></ul>', /a list/],
    ['a horizontal rule, as long as the line', '<p>{{ data.name }}</p><hr>', /layout/],
    ['braces written as entities', '<p>&#123;&#123; data.name }} {{ data.name }}</p>', /read as Liquid/],
  ])('refuses %s, so that variant converts at send time', (_name, body, reason) => {
    const result = deriveEmailText(page(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('agrees with the conversion on generated MJML-like emails and values', async () => {
    const random = seeded(20_260_101);
    for (let round = 0; round < 40; round++) {
      const html = page(`<div><table><tbody>${rows(random, 0)}</tbody></table></div>`);
      for (let values = 0; values < 5; values++) {
        const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
        const data = { a: pick(VALUES), b: pick(VALUES), p: random() < 0.5, list: Array.from({ length: Math.floor(random() * 3) }, () => pick(VALUES)) };
        await expectSameText(html, data);
      }
    }
  });
});

describe('the derived part in the template folder', () => {
  it('is not a file a marketer can write', () => {
    expect(parsePartFileName('email.text.liquid')).toMatchObject({ ok: false });
  });

  it('falls back to converting at send time, with a note in templates check and the preview, when it cannot be derived', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'email-text-folder-'));
    dirs.push(dir);
    await mkdir(join(dir, 'loud-heading'));
    const files: Record<string, string> = {
      'template.json': JSON.stringify({
        id: 'loud-heading',
        description: 'A heading html-to-text uppercases',
        category: 'transactional',
        topic: 'orders',
        channels: ['email'],
        variables: ['data.item'],
        sampleData: { data: { item: 'Boots' } },
      }),
      'email.subject.liquid': 'Your {{ data.item }}',
      'email.mjml': '<mjml><mj-body><mj-section><mj-column><mj-text><h4>{{ data.item }} shipped</h4></mj-text></mj-column></mj-section></mj-body></mjml>',
    };
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, 'loud-heading', name), content);
    const orders = { id: 'orders', name: 'Orders', description: 'About your orders', category: 'transactional', channels: ['email'] };
    await writeFile(join(dir, 'topics.json'), JSON.stringify({ formatVersion: 1, topics: [orders] }));

    const { bundle, problems, notes } = await checkTemplateFolder(dir);
    expect(problems).toEqual([]);
    expect(notes).toEqual([expect.objectContaining({ template: 'loud-heading', channel: 'email', locale: 'default', part: 'email.text' })]);
    const template = bundle.templates['loud-heading'] as CompiledTemplate;
    expect(template.parts['email.text']).toBeUndefined();
    const email = await renderer.render(template, 'email', { customer: { id: 'c-1' }, data: { item: 'Boots' }, context: {}, channel: 'email' }, 'en');
    expect(email.text).toBe('BOOTS SHIPPED');

    const logs: string[] = [];
    const code = await templatesCheck({ templatesDir: dir }, { log: (line) => logs.push(line), error: (line) => logs.push(line) });
    expect(code).toBe(0);
    expect(logs[0]).toMatch(/^note: loud-heading \[email\/default\] email\.mjml: the text part is converted from the HTML at every send/);
    expect(logs.at(-1)).toBe('1 templates, 0 problems, 1 note');
    const previews = await renderPreviews(dir);
    expect(previews.templates[0]?.notes).toEqual([logs[0]?.replace(/^note: /, '')]);
  });
});

const VALUES = ['', ' ', 'Lena', ' padded ', 'two words', 'a\nb', '<&>', 'https://fernhill.example/p', `long ${'word '.repeat(14)}`];

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Rows as MJML lays out its columns: blocks in cells, Liquid between rows, loops in tables. */
function rows(random: () => number, depth: number): string {
  let html = '';
  for (let count = 1 + Math.floor(random() * 3); count > 0; count--) {
    const kind = random();
    if (kind < 0.45) html += `<tr><td><div>${inline(random, 0)}</div></td></tr>`;
    else if (kind < 0.6) html += `<tr><td><div>${inline(random, 0)}</div><div>${inline(random, 0)}</div></td></tr>`;
    else if (kind < 0.75 && depth === 0) html += `{% if data.p %}${rows(random, 1)}{% endif %}`;
    else if (kind < 0.9) html += `<tr><td><table><tr><th>Item</th></tr>{% for i in data.list %}<tr><td>${inline(random, 1)}</td><td>{{ i }}</td></tr>{% endfor %}</table></td></tr>`;
    else html += `<tr><td><h1>${inline(random, 1)}</h1></td></tr>`;
  }
  return html;
}

function inline(random: () => number, depth: number, links = true): string {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  let html = '';
  for (let count = 1 + Math.floor(random() * 4); count > 0; count--) {
    const kind = random();
    if (kind < 0.3) html += pick(['Hello', ' there ', 'static copy', ', ', ' and ', 'a longer run of static copy to fill the line ']);
    else if (kind < 0.5) html += `{{ data.${pick(['a', 'b'])} }}`;
    else if (kind < 0.6 && depth < 2) html += `{% if data.p %}${inline(random, depth + 1, links)}{% else %}${inline(random, depth + 1, links)}{% endif %}`;
    else if (kind < 0.7 && links) html += `<a href="${pick(['{{ data.a }}', 'https://fernhill.example', '', 'https://fernhill.example/{{ data.b }}'])}">${inline(random, depth + 1, false)}</a>`;
    else if (kind < 0.75) html += pick(['<br>', ' <br> ']);
    else if (kind < 0.85 && depth < 2) html += `<strong>${inline(random, depth + 1, links)}</strong>`;
    else html += pick([' ', '\n  ']);
  }
  return html;
}
