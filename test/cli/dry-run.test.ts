import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DryRunReport } from '../../functions/cli/commands/dry-run.js';
import { main } from '../../functions/cli/main.js';

const NOW = '2026-11-23T16:00:00Z';
const customer = (name: string) => `test/fixtures/customers/${name}.json`;
const request = (name: string) => `test/fixtures/requests/${name}.json`;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function dryRunJson(requestFile: string, customerFile: string, extra: string[] = []): Promise<DryRunReport> {
  const { code, out, err } = await run(['dry-run', '--request', requestFile, '--customer', customerFile, '--now', NOW, '--json', ...extra]);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as DryRunReport;
}

describe('switchboard dry-run', () => {
  it('sends Lena, who is in the store, the offer by push, and says why', async () => {
    const report = await dryRunJson(request('in-store-offer-lena'), customer('lena-c-1001'));
    expect(report.status).toBe('SENT');
    expect(report.channels).toEqual(['push']);
    expect(report.decision.ranked[0]?.reasons.join(' ')).toMatch(/store/);
    expect(report.decision.excluded).toContainEqual({ channel: 'sms', reason: 'OPTED_OUT' });
    expect((report.rendered.push as { body: string }).body).toContain('COAT20');
    expect(Object.keys(report)).toEqual(['status', 'channels', 'decision', 'rendered', 'problems']);
  });

  it('keeps a shipping update for a sleeping customer off push and SMS', async () => {
    const report = await dryRunJson(request('order-shipped-tokyo'), customer('asleep-tokyo-c-2004'));
    expect(report.status).toBe('SENT');
    expect(
      report.decision.excluded
        .filter((e) => e.reason === 'QUIET_HOURS')
        .map((e) => e.channel)
        .sort(),
    ).toEqual(['push', 'sms']);
    expect(['email', 'in_app']).toContain(report.channels[0]);
  });

  it('suppresses marketing for a customer who opted out, listing a reason per channel', async () => {
    const report = await dryRunJson(request('cart-reminder-opted-out'), customer('opted-out-marketing-c-2003'));
    expect(report.status).toBe('SUPPRESSED');
    expect(report.channels).toEqual([]);
    expect(report.decision.excluded).toHaveLength(4);
    expect(report.rendered).toEqual({});
  });

  it('reports EXPIRED for a moment that has passed', async () => {
    const { out } = await run(['dry-run', '--request', request('in-store-offer-lena'), '--customer', customer('lena-c-1001'), '--now', '2026-11-23T18:00:00Z', '--json']);
    expect((JSON.parse(out) as DryRunReport).status).toBe('EXPIRED');
  });

  it('reports REJECTED with every problem for a malformed request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ requestId: 'bad 1', template: 'cart-reminder', channel: ['sms'] }));
    const report = await dryRunJson(join(dir, 'bad.json'), customer('lena-c-1001'));
    expect(report.status).toBe('REJECTED');
    expect(report.problems.map((p) => p.path).sort()).toEqual(['', 'customerId', 'requestId']);
  });

  it('renders from a draft templates folder given with --templates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drafts-'));
    cpSync('templates', dir, { recursive: true });
    writeFileSync(join(dir, 'in-store-offer', 'push.title.liquid'), 'Draft title for {{ data.storeName }}');
    const report = await dryRunJson(request('in-store-offer-lena'), customer('lena-c-1001'), ['--templates', dir]);
    expect((report.rendered.push as { title: string }).title).toBe('Draft title for Berlin Mitte');
  });

  it('prints a readable table without --json', async () => {
    const { code, out } = await run(['dry-run', '--request', request('in-store-offer-lena'), '--customer', customer('lena-c-1001'), '--now', NOW]);
    expect(code).toBe(0);
    expect(out).toMatch(/^status: SENT via push/m);
    expect(out).toMatch(/excluded channels[\s\S]*sms\s+OPTED_OUT/);
  });

  it('names missing arguments and exits 1', async () => {
    const { code, err } = await run(['dry-run', '--request', request('in-store-offer-lena')]);
    expect(code).toBe(1);
    expect(err).toContain('missing --customer');
  });
});
