import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.js';
import { CHANNELS } from '../../functions/core/model.js';
import { POLICIES } from '../../functions/simulate/policies.js';
import { ROOT } from '../support/local-mode.js';

const RESULTS = join(ROOT, 'test-results');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir = '';
let browser: Browser;
let page: Page;
/** Every URL the page asked for: a self-contained report asks for nothing beyond its own file. */
const requested: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simulation-report-'));
  const errors: string[] = [];
  const code = await main(['simulate', '--population', join(ROOT, 'test/fixtures/populations/tiny.json'), '--out', dir], {
    log: () => undefined,
    error: (line) => errors.push(line),
  });
  expect({ code, errors }).toEqual({ code: 0, errors: [] });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
}, 60_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await browser?.close();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function area(selector: string): Promise<number[]> {
  const boxes = await Promise.all((await page.locator(selector).all()).map((element) => element.boundingBox()));
  return boxes.map((box) => (box ? box.width * box.height : 0));
}

describe('the simulation report in Chromium', () => {
  it('draws the learning curve: a visible line per policy, named in the legend', async () => {
    const [chart] = await area('svg#learning-curve');
    expect(chart).toBeGreaterThan(100_000);
    expect(await page.locator('svg#learning-curve .legend text').allTextContents()).toEqual([...POLICIES]);
    const lines = await area('svg#learning-curve .series path');
    expect(lines).toHaveLength(POLICIES.length);
    for (const line of lines) expect(line).toBeGreaterThan(0);
    // The axes are labelled where they can be seen.
    for (const label of await area('svg#learning-curve .axis-label')) expect(label).toBeGreaterThan(0);
  });

  it('draws the channel mix: a bar per policy, each as wide as the plot, and a legend of the channels', async () => {
    expect(await page.locator('svg#channel-mix .legend text').allTextContents()).toEqual([...CHANNELS]);
    const bars = await Promise.all(
      (await page.locator('svg#channel-mix .bar').all()).map((bar) => bar.locator('rect').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width))),
    );
    expect(bars).toHaveLength(POLICIES.length);
    const full = bars[0]!.reduce((a, b) => a + b, 0);
    expect(full).toBeGreaterThan(300);
    // Every policy sent messages, so every bar fills the plot: its parts add up to the same width.
    for (const parts of bars) expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(full, 0);
  });

  it('shows the summary table and fetches nothing', async () => {
    expect(await page.locator('#summary tbody th').allInnerTexts()).toEqual([...POLICIES]);
    expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'simulation-report.png'), fullPage: true });
  });
});
