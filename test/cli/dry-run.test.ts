import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

async function dryRunJson(requestFile: string, customerFile: string, extra: string[] = [], exitCode = 0): Promise<DryRunReport> {
  const { code, out, err } = await run(['dry-run', '--request', requestFile, '--customer', customerFile, '--now', NOW, '--json', ...extra]);
  expect(err).toBe('');
  expect(code).toBe(exitCode);
  return JSON.parse(out) as DryRunReport;
}

describe('switchboard dry-run', () => {
  it('sends Lena, who is in the store, the offer by push, and says why', async () => {
    const report = await dryRunJson(request('in-store-offer-lena'), customer('lena-c-1001'));
    expect(report.status).toBe('SENT');
    expect(report.channels).toEqual(['push']);
    expect(report.decision.ranked[0]?.reasons.join(' ')).toMatch(/store/);
    expect(report.decision.moment).toBe('store');
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
    // Nothing says where she is: no moment.
    expect(Object.keys(report.decision)).toEqual(['ranked', 'excluded']);
    expect(report.timing).toMatchObject({ outcome: 'send_now' });
    expect(report.timing?.reasons).toContain('transactional takes the best channel available now');
    expect(report.deferredUntil).toBeUndefined();
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

  it('reports REJECTED with every problem for a malformed request, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ requestId: 'bad 1', template: 'cart-reminder', channel: ['sms'] }));
    const report = await dryRunJson(join(dir, 'bad.json'), customer('lena-c-1001'), [], 1);
    expect(report.status).toBe('REJECTED');
    expect(report.problems.map((p) => p.path).sort()).toEqual(['', 'customerId', 'requestId']);
  });

  it('exits 1 for a message whose template cannot be rendered from the request, and names the variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-'));
    const offer = JSON.parse(readFileSync(request('in-store-offer-lena'), 'utf8')) as { data: Record<string, unknown> };
    writeFileSync(join(dir, 'thin.json'), JSON.stringify({ ...offer, data: { ...offer.data, offerCode: undefined } }));
    const report = await dryRunJson(join(dir, 'thin.json'), customer('lena-c-1001'), [], 1);
    expect(report.status).toBe('RENDER_FAILED');
    expect(JSON.stringify(report.problems)).toContain('data.offerCode');
  });

  it('names a missing file, and the line and column where a file stops being JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-'));
    writeFileSync(join(dir, 'broken.json'), '{\n  "requestId": "r-1"\n  "template": "cart-reminder"\n}\n');
    const broken = await run(['dry-run', '--request', join(dir, 'broken.json'), '--customer', customer('lena-c-1001')]);
    expect(broken).toMatchObject({ code: 1, out: '' });
    expect(broken.err).toBe(`switchboard dry-run: ${join(dir, 'broken.json')} is not valid JSON: line 3, column 3: expected ',' or '}', found '"'`);
    const missing = await run(['dry-run', '--request', request('in-store-offer-lena'), '--customer', join(dir, 'absent.json')]);
    expect(missing).toMatchObject({ code: 1, err: `switchboard dry-run: cannot read ${join(dir, 'absent.json')}: no such file or folder` });
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
    expect(out).toMatch(/^status: SENT via push\nmoment: store$/m);
    expect(out).toMatch(/excluded channels[\s\S]*sms\s+OPTED_OUT/);
  });

  it('names missing arguments and exits 1', async () => {
    const { code, err } = await run(['dry-run', '--request', request('in-store-offer-lena')]);
    expect(code).toBe(1);
    expect(err).toContain('missing --customer');
  });
});

describe('switchboard dry-run: the right time', () => {
  it('shows a marketing message held back by quiet hours as DEFERRED, until when on both clocks, and why', async () => {
    // 01:00 in Tokyo: push, the best channel, is in quiet hours until 08:00 there; email is open but ranks below.
    const report = await dryRunJson(request('cart-reminder-tokyo-night'), customer('asleep-tokyo-c-2004'));
    expect(report.status).toBe('DEFERRED');
    expect(report.channels).toEqual([]);
    expect(report.rendered).toEqual({});
    expect(report.deferredUntil).toBe('2026-11-23T23:00:00.000Z');
    expect(report.timing).toMatchObject({ outcome: 'defer', reason: 'QUIET_HOURS', until: '2026-11-23T23:00:00.000Z', untilLocal: '08:00 Asia/Tokyo' });
    expect(report.timing?.reasons).toEqual([
      'push is in quiet hours until 08:00 Asia/Tokyo (quiet hours 21:00–08:00 in Asia/Tokyo)',
      'the message has no expiresAt, so waiting cannot expire it',
      'email is open now but ranks below push',
      'marketing waits for the best channel',
    ]);
    expect(report.escalation).toBeUndefined();

    const { out } = await run(['dry-run', '--request', request('cart-reminder-tokyo-night'), '--customer', customer('asleep-tokyo-c-2004'), '--now', NOW]);
    expect(out).toMatch(/^status: DEFERRED$/m);
    expect(out).toMatch(/^deferred \(QUIET_HOURS\) until 2026-11-23T23:00:00\.000Z, 08:00 Asia\/Tokyo$/m);
    expect(out).toMatch(/^ {2}- marketing waits for the best channel$/m);
  });

  it('defers a request with sendAt { localTime: "09:00" } to the next 09:00 on the customer’s clock, in winter and in summer', async () => {
    // 17:00 in Berlin (UTC+1): 09:00 is tomorrow morning.
    const winter = await dryRunJson(request('order-shipped-lena-9am'), customer('lena-c-1001'));
    expect(winter.status).toBe('DEFERRED');
    expect(winter.deferredUntil).toBe('2026-11-24T08:00:00.000Z');
    expect(winter.timing).toMatchObject({ outcome: 'defer', reason: 'SCHEDULED', until: '2026-11-24T08:00:00.000Z', untilLocal: '2026-11-24 09:00 Europe/Berlin' });
    expect(winter.timing?.reasons).toEqual(['scheduled for 2026-11-24 09:00 Europe/Berlin; channels are chosen again then, push leads now']);
    // No step was sent, so nothing escalates yet.
    expect(winter.escalation).toBeUndefined();
    // 06:00 in Berlin on summer time (UTC+2): 09:00 is still ahead the same day.
    const summer = await dryRunJson(request('order-shipped-lena-9am'), customer('lena-c-1001'), ['--now', '2026-07-01T04:00:00Z']);
    expect(summer.deferredUntil).toBe('2026-07-01T07:00:00.000Z');
    expect(summer.timing?.untilLocal).toBe('09:00 Europe/Berlin');
  });

  it('sends the first step of the same request at 09:00, with the next look an hour later', async () => {
    const report = await dryRunJson(request('order-shipped-lena-9am'), customer('lena-c-1001'), ['--now', '2026-11-24T08:00:00Z']);
    expect(report.status).toBe('SENT');
    expect(report.channels).toEqual(['push']);
    expect(report.deferredUntil).toBeUndefined();
    expect(report.escalation).toMatchObject({
      afterMs: 3_600_000,
      nextAt: '2026-11-24T09:00:00.000Z',
      nextAtLocal: '10:00 Europe/Berlin',
      // Lena opened 4 of 29 emails: below what an inbox she has not tried yet is expected to earn.
      nextChannels: ['in_app', 'email', 'sms'],
    });
  });

  it('shows an EXPIRED message whose channels open only after expiresAt, with the reasons', async () => {
    // Only push and SMS are allowed, both in quiet hours until 08:00 Tokyo; the message expires at 05:00 there.
    const report = await dryRunJson(request('order-shipped-tokyo-expiring'), customer('asleep-tokyo-c-2004'));
    expect(report.status).toBe('EXPIRED');
    expect(report.timing).toMatchObject({ outcome: 'expire', reason: 'QUIET_HOURS' });
    expect(report.timing?.reasons).toContain('waiting for push would land at or after expiresAt 05:00 Asia/Tokyo');
    expect(report.timing?.reasons.at(-1)).toBe('no channel opens before expiresAt');
    expect(report.timing?.until).toBeUndefined();
    expect(report.deferredUntil).toBeUndefined();

    const { out } = await run(['dry-run', '--request', request('order-shipped-tokyo-expiring'), '--customer', customer('asleep-tokyo-c-2004'), '--now', NOW]);
    expect(out).toMatch(/^status: EXPIRED\nexpired \(QUIET_HOURS\)\n {2}- push is in quiet hours until 08:00 Asia\/Tokyo/m);
  });

  it('gives a moment that passed before anything was decided the reason PAST_EXPIRES_AT', async () => {
    const { out } = await run(['dry-run', '--request', request('in-store-offer-lena'), '--customer', customer('lena-c-1001'), '--now', '2026-11-23T18:00:00Z', '--json']);
    const report = JSON.parse(out) as DryRunReport;
    expect(report.status).toBe('EXPIRED');
    expect(report.timing).toEqual({ outcome: 'expire', reason: 'PAST_EXPIRES_AT', reasons: ['expired at 2026-11-23T17:00:00Z'] });
  });

  it('shows the first step of an escalation and the next look: who gets it if nobody engages, and when', async () => {
    const report = await dryRunJson(request('in-store-offer-lena-escalate'), customer('lena-c-1001'));
    expect(report.status).toBe('SENT');
    expect(report.channels).toEqual(['push']);
    expect(report.escalation).toEqual({
      afterMs: 20 * 60_000,
      steps: [{ channel: 'push', sentAt: '2026-11-23T16:00:00.000Z', reason: 'push first, the best channel' }],
      nextAt: '2026-11-23T16:20:00.000Z',
      nextAtLocal: '17:20 Europe/Berlin',
      nextChannels: ['in_app'],
    });
    // What the record keeps for its wake (the stored request, the wake itself) is no part of the report.
    expect(JSON.stringify(report)).not.toMatch(/"(wake|wakes|request)"/);

    const { out } = await run(['dry-run', '--request', request('in-store-offer-lena-escalate'), '--customer', customer('lena-c-1001'), '--now', NOW]);
    expect(out).toMatch(/^escalation \(next channel after 20 min without engagement\)$/m);
    expect(out).toMatch(/^ {2}step 1: push at 2026-11-23T16:00:00\.000Z: push first, the best channel$/m);
    expect(out).toMatch(/^ {2}next: if unread by 2026-11-23T16:20:00\.000Z \(17:20 Europe\/Berlin\) → in_app$/m);
  });

  it('runs the README’s timing example as written: the request is the fixture, and it waits for 09:00 in Berlin on any day', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Timing: deferral, sendAt and escalation'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    const commands = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
    if (!example || !commands) throw new Error('the README has no timing example where this test expects it');
    expect(JSON.parse(example)).toEqual(JSON.parse(readFileSync(request('order-shipped-lena-9am'), 'utf8')));
    expect(commands).toContain(`--request ${request('order-shipped-lena-9am')}`);
    expect(commands).toContain(`--customer ${customer('lena-c-1001')}`);
    // Any day, any hour: in winter, on the night the clocks go forward, in summer.
    for (const [now, until] of [
      ['2026-11-23T16:00:00Z', '2026-11-24T08:00:00.000Z'],
      ['2026-03-28T23:30:00Z', '2026-03-29T07:00:00.000Z'],
      ['2026-07-01T09:00:00Z', '2026-07-02T07:00:00.000Z'],
    ] as const) {
      const report = await dryRunJson(request('order-shipped-lena-9am'), customer('lena-c-1001'), ['--now', now]);
      expect(report).toMatchObject({ status: 'DEFERRED', deferredUntil: until, timing: { reason: 'SCHEDULED' } });
    }
    const { out } = await run(['dry-run', '--request', request('order-shipped-lena-9am'), '--customer', customer('lena-c-1001'), '--now', '2026-11-24T08:00:00Z']);
    expect(commands).toContain(out.split('\n').find((line) => line.startsWith('  next: ')) ?? 'no next line');
  });
});
