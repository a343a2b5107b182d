import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type RunningLocalMode, startLocalMode } from '../support/local-mode.js';

const RESULTS = join(ROOT, 'test-results');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Email only, opted in to every marketing topic at checkout: a cart reminder reaches her by email. */
const CUSTOMER = 'c-3003';

let local: RunningLocalMode;
let browser: Browser;
let outbox: Page;
/** The customer's own browser: the preference centre must work with JavaScript switched off. */
let customerBrowser: BrowserContext;
let preferences: Page;

beforeAll(async () => {
  local = await startLocalMode(['--no-demo']);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  outbox = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
  customerBrowser = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 420, height: 900 } });
  preferences = await customerBrowser.newPage();
  await outbox.goto(local.outboxUrl);
}, 90_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await browser?.close();
  await local?.stop();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
}, 30_000);

const card = () => outbox.locator(`section.customer[data-customer="${CUSTOMER}"]`);

/** A cart reminder (marketing, topic promotions) for the customer, queued through the outbox's own form endpoint. */
async function sendCartReminder(requestId: string): Promise<void> {
  const examples = (await (await fetch(`${local.outboxUrl}/api/templates`)).json()) as { templates: { id: string; example: Record<string, unknown> }[] };
  const example = examples.templates.find((t) => t.id === 'cart-reminder')?.example;
  const response = await fetch(`${local.outboxUrl}/api/requests`, { method: 'POST', body: JSON.stringify({ ...example, requestId, customerId: CUSTOMER }) });
  expect(response.status).toBe(202);
}

describe('the preference centre in local mode', () => {
  it('opens from the customer card and shows her topics on the channels she can be reached on', async () => {
    const link = card().locator('a[data-role="preferences"]');
    await expect.poll(() => link.count(), { timeout: 20_000 }).toBe(1);

    await preferences.goto(new URL((await link.getAttribute('href')) ?? '', local.outboxUrl).toString());

    expect(await preferences.locator('h1').innerText()).toBe('Messages from Fernhill');
    expect(await preferences.locator('html').getAttribute('lang')).toBe('en');
    const offers = preferences.getByRole('group', { name: 'Offers and reminders' });
    expect(await offers.getByRole('checkbox', { name: 'Email' }).isChecked()).toBe(true);
    const orders = preferences.getByRole('group', { name: 'Your orders' });
    expect(await orders.getByRole('checkbox', { name: 'Email (required)' }).isDisabled()).toBe(true);
    // Only an email address on file: no other channel is offered.
    expect(await preferences.getByRole('checkbox', { name: /Text message|Push|In the app/ }).count()).toBe(0);
  });

  it('turns a topic off without JavaScript, and the next marketing message of that topic is SUPPRESSED naming the choice and its source', async () => {
    await sendCartReminder('browser-prefs-before');
    const sent = card().locator('.list-email article[data-request-id="browser-prefs-before"]');
    await expect.poll(() => sent.getAttribute('data-status').catch(() => null), { timeout: 20_000 }).toMatch(/^(SENT|DELIVERED)$/);

    const email = preferences.getByRole('group', { name: 'Offers and reminders' }).getByRole('checkbox', { name: 'Email' });
    await email.uncheck();
    await preferences.getByRole('button', { name: 'Save my choices' }).click();

    expect(await preferences.getByRole('status').innerText()).toBe('Your choices are saved.');
    expect(await email.isChecked()).toBe(false);

    await sendCartReminder('browser-prefs-after');
    const suppressed = card().locator('.list-unsent [data-request-id="browser-prefs-after"]');
    await expect.poll(() => suppressed.getAttribute('data-status').catch(() => null), { timeout: 20_000 }).toBe('SUPPRESSED');
    expect(await suppressed.innerText()).toContain('email (OPTED_OUT)');
    expect(await suppressed.locator('.decision').textContent()).toMatch(/email\/promotions: opt_out \(preference_centre, \d{4}-\d{2}-\d{2}T[\d:.]+Z\)/);
  }, 60_000);

  it('answers the app API with the same choice, signed in as the customer', async () => {
    const response = await fetch(`${local.outboxUrl}/api/customers/${CUSTOMER}/preferences`);
    const view = (await response.json()) as { topics: { id: string; choices: Record<string, { subscribed: boolean; decidedBy?: { source?: string } }> }[] };

    expect(response.status).toBe(200);
    expect(view.topics.find((t) => t.id === 'promotions')?.choices.email).toMatchObject({ subscribed: false, decidedBy: { source: 'preference_centre' } });
  });

  it('saves a screenshot of the page', async () => {
    mkdirSync(RESULTS, { recursive: true });
    const path = join(RESULTS, 'preferences.png');
    await preferences.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(20_000);
  });
});
