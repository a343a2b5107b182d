import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanLogs } from '../../chaos/log-scan.js';
import { population } from '../../chaos/population.js';

describe('the handler log scan', () => {
  it("finds the seeded customers' addresses, numbers, tokens and rendered text, and nothing in clean lines", async () => {
    const people = population(5, 6, new Date('2026-11-24T12:00:00Z'));
    const [email] = people.secrets.emails;
    const [phone] = people.secrets.phones;
    const [token] = people.secrets.tokens;
    const lines = [
      '{"level":"INFO","message":"requests sent back to the queue","count":2,"reasons":["EMAIL_THROTTLED"]}',
      `{"level":"WARN","message":"bounce for ${email}"}`,
      `{"level":"INFO","to":"${phone?.slice(1)}"}`,
      `{"level":"DEBUG","tokens":["${token}"]}`,
      '{"level":"INFO","body":"Your Merino jumper ZQ12345678 is waiting in your cart."}',
      '{"level":"INFO","from":"hello@fernhill.example","customerId":"cx5-0001","requestId":"rq5-00001"}',
    ];
    const path = join(mkdtempSync(join(tmpdir(), 'log-scan-')), 'handlers.log');
    writeFileSync(path, `${lines.join('\n')}\n`);

    const scan = await scanLogs(path, people);

    expect(scan.lines).toBe(6);
    expect(scan.leaks).toEqual([
      { line: 2, what: 'email address' },
      { line: 3, what: 'phone number' },
      { line: 4, what: 'push token' },
      { line: 5, what: 'rendered body' },
    ]);
  });
});
