import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templatesPreview } from '../../functions/cli/commands/templates-preview.js';
import type { PreviewSet } from '../../functions/template-preview/render-all.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-preview-'));
let url = '';
let stop: () => void = () => undefined;
let finished: Promise<number>;

beforeAll(async () => {
  // A copy: the test edits templates to see the page follow.
  for (const id of ['cart-reminder', 'order-shipped']) cpSync(join(TEMPLATES, id), join(dir, id), { recursive: true });
  const logs: string[] = [];
  const signal = new Promise<void>((resolve) => (stop = resolve));
  finished = templatesPreview({ templatesDir: dir }, { log: (line) => logs.push(line), error: (line) => logs.push(line) }, signal);
  for (let i = 0; i < 100 && !url; i++) {
    url = /template preview: (http:\/\/\S+?)\/?(\s|$)/.exec(logs.join('\n'))?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}, 30_000);

afterAll(async () => {
  stop();
  expect(await finished).toBe(0);
});

async function previewJson(): Promise<PreviewSet> {
  return (await (await fetch(`${url}/preview.json`)).json()) as PreviewSet;
}

/** Resolves on the next `change` event of the page's event stream. */
async function nextChange(): Promise<void> {
  const response = await fetch(`${url}/events`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const ready = reader.read();
  await ready;
  return (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      text += new TextDecoder().decode(value);
      if (text.includes('event: change')) {
        await reader.cancel();
        return;
      }
    }
  })();
}

describe('switchboard templates preview', () => {
  it('renders every channel in every locale a template has, from its sample data', async () => {
    const set = await previewJson();
    const cart = set.templates.find((t) => t.id === 'cart-reminder');

    expect(set.templates.map((t) => t.id)).toEqual(['cart-reminder', 'order-shipped']);
    expect(cart?.problems).toEqual([]);
    const push = cart?.entries.filter((e) => e.channel === 'push').map((e) => e.locale);
    expect(push).toEqual(['default', 'de', 'de-AT']);
    const german = cart?.entries.find((e) => e.channel === 'sms' && e.locale === 'de');
    expect(german?.rendered).toMatchObject({ body: expect.stringContaining('Lena') });
    const email = cart?.entries.find((e) => e.channel === 'email' && e.locale === 'default')?.rendered as { html: string; subject: string } | undefined;
    expect(email?.html).toContain('<html');
    expect(email?.subject).not.toBe('');
  });

  it('serves one template alone, with emails in sandboxed frames, and 404 for an unknown one', async () => {
    const page = await (await fetch(`${url}/order-shipped`)).text();
    const missing = await fetch(`${url}/no-such-template`);

    expect(page).toContain('data-template="order-shipped"');
    expect(page).not.toContain('data-template="cart-reminder"');
    expect(page).toMatch(/<iframe sandbox="" [^>]*srcdoc="&lt;!doctype html&gt;/i);
    expect(missing.status).toBe(404);
  });

  it('announces an edit on its event stream and renders the draft, problems included, without a build', async () => {
    const changed = nextChange();
    const file = join(dir, 'order-shipped', 'sms.liquid');
    writeFileSync(file, `${readFileSync(file, 'utf8').trim()} {{ data.couponCode }}`);
    await changed;

    const set = await previewJson();
    const sms = set.templates.find((t) => t.id === 'order-shipped')?.entries.find((e) => e.channel === 'sms' && e.locale === 'default');
    expect(sms?.rendered).toBeUndefined();
    expect(sms?.problems.join('\n')).toContain('data.couponCode');
  }, 15_000);
});
