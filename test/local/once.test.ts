import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = JSON.parse(readFileSync(new URL('../../functions/local/seed/customers.json', import.meta.url), 'utf8')) as { customer: { customerId: string } }[];

interface Row {
  customer: string;
  template: string;
  channel: string;
  status: string;
  reason: string;
}

/** A row of the table of wakes fired ahead of their time. */
interface EarlyRow {
  customer: string;
  template: string;
  waited: string;
  fired: string;
  then: string;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  rows: Row[];
  early: EarlyRow[];
}

/** `npm start -- --once`, exactly as a person runs it, minus npm. */
function runOnce(): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', '--once'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        ms: Date.now() - started,
        rows: parseTable(stdout, /^customer\s+template\s+channel\s+status\s+reason/, ['customer', 'template', 'channel', 'status', 'reason']),
        early: parseTable(stdout, /^customer\s+template\s+waited\s+fired\s+then/, ['customer', 'template', 'waited', 'fired', 'then']),
      }),
    );
  });
}

/** The table after the header `header` matches and its dashed rule; columns are two spaces apart. */
function parseTable<K extends string>(stdout: string, header: RegExp, columns: K[]): Record<K, string>[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => header.test(line));
  if (start < 0) return [];
  const rows: Record<K, string>[] = [];
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    const cells = line.split(/\s{2,}/);
    rows.push(Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ''])) as Record<K, string>);
  }
  return rows;
}

const rowsOf = (run: Run, customerId: string) => run.rows.filter((row) => row.customer.startsWith(`${customerId} `));
const earlyRowsOf = (run: Run, customerId: string) => run.early.filter((row) => row.customer.startsWith(`${customerId} `));

describe('npm start -- --once', () => {
  let run: Run;
  beforeAll(async () => {
    run = await runOnce();
  }, 90_000);

  it('exits 0 within a minute, having stopped what it started', () => {
    expect(run.stderr).not.toMatch(/Error|✗/);
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(60_000);
    expect(run.stdout).toMatch(/ready in [\d.]+ s: outbox http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toMatch(/done in [\d.]+ s/);
  });

  it('lists every demo customer, each request with a final status', () => {
    for (const { customer } of SEED) expect(rowsOf(run, customer.customerId).length, customer.customerId).toBeGreaterThan(0);
    for (const row of run.rows) expect(row.status, row.customer).toMatch(/^(SENT|DELIVERED|OPENED|CLICKED|SUPPRESSED|FAILED|BOUNCED|EXPIRED|REJECTED)$/);
  });

  it('reaches the store shopper by push, because of the store visit', () => {
    const [shopper] = rowsOf(run, 'c-3001');
    expect(shopper).toMatchObject({ template: 'in-store-offer', channel: 'push', status: 'SENT' });
    expect(shopper?.reason).toContain('in store flagship');
  });

  it('reaches the customer browsing the app in the app', () => {
    expect(rowsOf(run, 'c-3002')[0]).toMatchObject({ channel: 'in_app' });
  });

  it('suppresses marketing to the opted-out customer, yet sends the order update', () => {
    const sam = rowsOf(run, 'c-3004');
    expect(sam.find((row) => row.template === 'cart-reminder')).toMatchObject({ channel: '-', status: 'SUPPRESSED' });
    expect(sam.find((row) => row.template === 'cart-reminder')?.reason).toContain('OPTED_OUT');
    expect(sam.find((row) => row.template === 'order-shipped')?.status).toMatch(/^(SENT|DELIVERED)$/);
  });

  it('keeps push and SMS from the customer who is asleep', () => {
    const [haruto] = rowsOf(run, 'c-3005');
    expect(haruto?.channel).toBe('in_app');
    expect(haruto?.reason).toContain('push (QUIET_HOURS)');
  });

  it('defers the order update of the customer asleep with only push and SMS, and sends it once its wake is fired early', () => {
    const [deferred] = earlyRowsOf(run, 'c-3011');
    expect(run.stdout).toContain('fired early for the demo, each handled as at its due time:');
    // The customer's zone is chosen at run time so that it is night there; quiet hours end at 08:00.
    expect(deferred?.waited).toMatch(/^DEFERRED until (\d{4}-\d\d-\d\d )?08:00 [\w/+-]+ \(QUIET_HOURS\)$/);
    expect(deferred?.fired).toMatch(/^\d+ (h|min)( \d+ min)? early$/);
    expect(deferred?.then).toMatch(/^SENT (push|sms)\b/);

    const [olivia] = rowsOf(run, 'c-3011');
    expect(olivia).toMatchObject({ template: 'order-shipped', channel: 'push' });
    expect(olivia?.status).toMatch(/^(SENT|DELIVERED)$/);
    expect(olivia?.reason).toContain('ranked first');
  });

  it('escalates the offer left unread in the app to push, with the reason', () => {
    const [escalated] = earlyRowsOf(run, 'c-3012');
    expect(escalated?.waited).toMatch(/^next escalation step at \d\d:\d\d [\w/+-]+$/);
    expect(escalated?.fired).toMatch(/^\d+ (min|s) early$/);
    expect(escalated?.then).toBe('SENT push: no engagement on in_app within 2 min → push');

    const [ines] = rowsOf(run, 'c-3012');
    expect(ines).toMatchObject({ template: 'back-in-stock', channel: 'in_app+push', status: 'SENT' });
    expect(ines?.reason).toMatch(/^in_app first, the best channel; no engagement on in_app within 2 min → push/);
  });

  it('fails over from the dead push token to email', () => {
    const [priya] = rowsOf(run, 'c-3008');
    expect(priya).toMatchObject({ channel: 'email' });
    expect(priya?.reason).toMatch(/^push failed \(PUSH_NO_LIVE_TOKEN\) → email/);
  });

  it('does not email the bounced address and falls back from an SMS the emoji would make too long', () => {
    expect(rowsOf(run, 'c-3007')[0]?.channel).not.toBe('email');
    expect(rowsOf(run, 'c-3007')[0]?.reason).toContain('email (ADDRESS_SUPPRESSED)');
    expect(rowsOf(run, 'c-3006')[0]).toMatchObject({ channel: 'email' });
    expect(rowsOf(run, 'c-3006')[0]?.reason).toContain('sms failed (RENDER_FAILED)');
  });

  it('publishes the status changes of its records as events, in .switchboard/events-once.jsonl', () => {
    const count = Number(/^events: (\d+) delivery status events published to \.switchboard\/events-once\.jsonl$/m.exec(run.stdout)?.[1]);
    const lines = readFileSync(new URL('../../.switchboard/events-once.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(count);
    const events = lines.map(
      (line) => JSON.parse(line) as { source: string; 'detail-type': string; detail: { customerId: string; requestId: string; status: string; previousStatus?: string } },
    );
    expect(events.every((event) => event.source === 'switchboard')).toBe(true);
    // Olivia's order update: deferred for the night, then sent when its wake was fired; the claims in between are not announced.
    const olivia = events.filter((event) => event.detail.customerId === 'c-3011');
    expect(olivia.map((event) => event['detail-type'])).toEqual(expect.arrayContaining(['Delivery Deferred', 'Delivery Sent']));
    expect(olivia.map((event) => event['detail-type']).indexOf('Delivery Deferred')).toBeLessThan(olivia.map((event) => event['detail-type']).indexOf('Delivery Sent'));
    // Every status change once: no request announces the same status twice, and ACCEPTED never.
    const changes = events.map((event) => `${event.detail.requestId} ${event.detail.status}`);
    expect(new Set(changes).size).toBe(changes.length);
    expect(events.some((event) => event.detail.status === 'ACCEPTED')).toBe(false);
    // SES reported the delivery of Julien's email, and it was announced.
    expect(events.find((event) => event.detail.customerId === 'c-3003' && event['detail-type'] === 'Delivery Delivered')).toBeDefined();
  });

  it('lets SES report delivery of the email it accepted', () => {
    expect(rowsOf(run, 'c-3003')[0]).toMatchObject({ channel: 'email', status: 'DELIVERED' });
  });
});
