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
    // The summary names the largest parts of the score first; the store visit is among them.
    expect(await shopperPush.innerText()).toMatch(/Why push: ranked first, [^\n]*customer is in store flagship/);

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

  it('lists the status events upstream systems receive, newest first: the email sent, delivered, then opened', async () => {
    const requestId = (await customer('c-3003').locator('.list-email article').getAttribute('data-request-id')) ?? '';
    const ofEmail = page.locator(`#events > li[data-request-id="${requestId}"]`);
    await expect
      .poll(
        () =>
          ofEmail
            .first()
            .getAttribute('data-detail-type')
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe('Delivery Opened');
    expect(await ofEmail.evaluateAll((items) => items.map((item) => item.getAttribute('data-detail-type')))).toEqual(['Delivery Opened', 'Delivery Delivered', 'Delivery Sent']);
    expect(await ofEmail.first().locator('.event-facts').innerText()).toContain('from DELIVERED · on email');
    // The order update deferred for the night is announced too, with the reason.
    await expect
      .poll(
        () =>
          page
            .locator('#events > li[data-detail-type="Delivery Deferred"] .event-facts')
            .first()
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toContain('QUIET_HOURS');
  }, 20_000);

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

  it('counts down to a deferred order update, and "Fire now" sends it as at its time', async () => {
    const deferred = customer('c-3011').locator('.list-unsent [data-status="DEFERRED"]');
    await expect.poll(() => deferred.count(), { timeout: 20_000 }).toBe(1);
    expect(await deferred.locator('.waiting').innerText()).toMatch(/deferred until (\d{4}-\d\d-\d\d )?08:00 \S+ \(QUIET_HOURS\)/);
    const countdown = deferred.locator('.countdown');
    await expect.poll(() => countdown.innerText(), { timeout: 5_000 }).toMatch(/^in \d+:\d\d:\d\d$/);
    const before = await countdown.innerText();
    // It ticks between polls of the page's data.
    await expect.poll(() => countdown.innerText(), { timeout: 5_000 }).not.toBe(before);

    await deferred.locator('button[data-action="fire"]').click();

    const push = customer('c-3011').locator('.list-push article');
    await expect.poll(() => push.count(), { timeout: 15_000 }).toBe(1);
    expect(await push.getAttribute('data-status')).toBe('SENT');
    expect(await push.locator('.early').innerText()).toMatch(/fired early for the demo, handled as at (\d{4}-\d\d-\d\d )?08:00 /);
    expect(await push.locator('.timeline').innerText()).toMatch(/DEFERRED[\s\S]*SENT/);
    expect(await customer('c-3011').locator('.list-unsent [data-status="DEFERRED"]').count()).toBe(0);
  }, 40_000);

  it('shows an escalation waiting on its unread in-app message, and "Fire now" takes its next step to push', async () => {
    // A request of its own, an hour apart: the demo's escalation takes its next step two minutes in, on its own.
    const requestId = `browser-escalate-${Date.now().toString(36)}`;
    const queued = await fetch(`${outboxUrl}/api/requests`, {
      method: 'POST',
      body: JSON.stringify({
        requestId,
        customerId: 'c-3012',
        template: 'back-in-stock',
        strategy: 'escalate',
        escalateAfter: 'PT1H',
        context: { surface: 'app', sessionActive: true },
        data: {
          itemName: 'Canvas tote',
          size: 'one size',
          sku: 'CT-NAT',
          price: '€25.00',
          imageUrl: 'https://cdn.fernhill.example/products/tote.jpg',
          itemUrl: 'https://fernhill.example/p/tote',
          storeName: 'Lisbon Chiado',
          unitsInStore: 4,
        },
      }),
    });
    expect(queued.status).toBe(202);
    const inApp = customer('c-3012').locator(`.list-in_app article[data-request-id="${requestId}"]`);
    await expect.poll(() => inApp.count(), { timeout: 15_000 }).toBe(1);
    const waiting = inApp.locator('.waiting[data-kind="escalation"]');
    await expect.poll(() => waiting.count(), { timeout: 10_000 }).toBe(1);
    expect(await waiting.innerText()).toMatch(/next escalation step at \d\d:\d\d /);
    await expect.poll(() => waiting.locator('.countdown').innerText(), { timeout: 5_000 }).toMatch(/^in (59:\d\d|1:00:00)$/);
    expect(await inApp.locator('.escalation').innerText()).toContain('in_app first, the best channel');

    await waiting.locator('button[data-action="fire"]').click();

    const push = customer('c-3012').locator(`.list-push article[data-request-id="${requestId}"]`);
    await expect.poll(() => push.count(), { timeout: 15_000 }).toBe(1);
    expect(await push.getAttribute('data-status')).toBe('SENT');
    await expect.poll(() => inApp.locator('.escalation').innerText(), { timeout: 10_000 }).toContain('no engagement on in_app within 1 h → push');
    expect(await push.locator('.early').innerText()).toContain('fired early for the demo');
  }, 40_000);

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
