import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type RunningLocalMode, startLocalMode as startLocal } from '../support/local-mode.js';

const RESULTS = join(ROOT, 'test-results');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let local: RunningLocalMode | undefined;
let outboxUrl = '';
let profile = '';
let browser: BrowserContext;
let page: Page;

async function startLocalMode(): Promise<void> {
  local = await startLocal();
  outboxUrl = local.outboxUrl;
}

const customer = (id: string) => page.locator(`section.customer[data-customer="${id}"]`);

beforeAll(async () => {
  await startLocalMode();
  profile = mkdtempSync(join(tmpdir(), 'outbox-chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
  await page.goto(outboxUrl);
}, 90_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await local?.stop();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
}, 30_000);

describe('the outbox page', () => {
  it("shows each demo message on the customer's channel, with the reason for it", async () => {
    const shopperPush = customer('c-3001').locator('.list-push article[data-channel="push"]');
    await expect.poll(() => shopperPush.count(), { timeout: 20_000 }).toBe(1);
    expect(await shopperPush.getAttribute('data-status')).toBe('SENT');
    expect(await shopperPush.innerText()).toContain('Why push: ranked first, customer is in store flagship');

    await expect
      .poll(
        () =>
          customer('c-3002')
            .locator('.list-in_app article .title')
            .first()
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .not.toBe('');
    await expect
      .poll(
        () =>
          customer('c-3004')
            .locator('.list-unsent [data-status="SUPPRESSED"]')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toContain('OPTED_OUT');

    const deadToken = customer('c-3008');
    await expect.poll(() => deadToken.locator('.list-email article').count(), { timeout: 10_000 }).toBe(1);
    expect(await deadToken.locator('.list-push article').getAttribute('data-status')).toBe('FAILED');
    expect(await deadToken.locator('.list-push article').innerText()).toContain('PUSH_NO_LIVE_TOKEN');
    // The provider's answer retired the token on the customer record.
    await expect.poll(() => deadToken.locator('.chip.suppressed', { hasText: 'priya-old-iphone-dead' }).count(), { timeout: 10_000 }).toBe(1);
  }, 30_000);

  it('renders the email itself in a sandboxed frame', async () => {
    const email = customer('c-3003').locator('.list-email article');
    const frame = email.locator('iframe');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => email.frameLocator('iframe').locator('body').innerText(), { timeout: 10_000 }).toContain('Trail runner GTX');
  });

  it('sends "open" through the feedback handler and the email moves to OPENED', async () => {
    const email = customer('c-3003').locator('.list-email article');
    await expect.poll(() => email.getAttribute('data-status'), { timeout: 15_000 }).toBe('DELIVERED');

    await email.locator('button[data-action="open"]').click();

    await expect.poll(() => email.getAttribute('data-status'), { timeout: 10_000 }).toBe('OPENED');
    expect(await email.locator('.timeline').innerText()).toContain('OPENED');
    expect(await page.locator('#counts').innerText()).toContain('OPENED 1');
  }, 30_000);

  it('unsubscribes with the one-click link of a marketing email, through the unsubscribe handler', async () => {
    const email = customer('c-3003').locator('.list-email article');

    await email.locator('button[data-action="unsubscribe"]').click();

    await expect.poll(() => email.locator('.timeline').innerText(), { timeout: 10_000 }).toContain('UNSUBSCRIBE promotions (one-click)');
  }, 20_000);

  it('marks an in-app message read through the inbox API', async () => {
    const item = customer('c-3002').locator('.list-in_app article');
    expect(await item.getAttribute('class')).toContain('unread');

    await item.locator('button[data-action="read"]').click();

    await expect.poll(() => item.getAttribute('class'), { timeout: 10_000 }).not.toContain('unread');
    // The read marker is the inbox item's; the delivery record reaches OPENED through the feedback handler, later.
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('OPENED');
  }, 20_000);

  it('lists every problem of an invalid request instead of queuing it', async () => {
    await page.locator('#toggle-form').click();
    await page.locator('#compose-body').fill(JSON.stringify({ requestId: 'has spaces', template: 'cart-reminder', channels: ['fax'] }));
    await page.locator('#compose-send').click();

    const problems = page.locator('#compose-problems li');
    await expect.poll(() => problems.count(), { timeout: 5_000 }).toBe(3);
    const text = await problems.allInnerTexts();
    expect(text.join('\n')).toMatch(/requestId[\s\S]*customerId[\s\S]*channels/);
  });

  it('saves a screenshot of the page', async () => {
    mkdirSync(RESULTS, { recursive: true });
    await page.locator('#compose').evaluate((panel) => panel.setAttribute('hidden', ''));
    const path = join(RESULTS, 'outbox.png');
    await page.screenshot({ path, fullPage: true });
    expect((await import('node:fs')).statSync(path).size).toBeGreaterThan(50_000);
  });
});
