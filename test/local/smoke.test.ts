import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelResult, smoke, type SmokeArgs } from '../../functions/cli/commands/smoke.js';
import { EXIT } from '../../functions/cli/exit-codes.js';
import { type LocalSystem, startLocalSystem } from '../../functions/local/system.js';
import { writeLocalConfig } from '../../functions/tooling/local-config.js';

const OUTBOX = 'http://127.0.0.1:1';
const configPath = join(mkdtempSync(join(tmpdir(), 'switchboard-smoke-')), 'local.json');
let system: LocalSystem;

beforeAll(async () => {
  // The whole local pipeline, found by the command through local.json as after `npm start`.
  system = await startLocalSystem({ outboxUrl: OUTBOX, prefix: `smoke-${randomUUID().slice(0, 6)}-` });
  await writeLocalConfig({ ...system.config, outbox: { url: OUTBOX, templatesUrl: `${OUTBOX}/templates`, apiUrl: `${OUTBOX}/api` } }, configPath);
}, 120_000);
afterAll(async () => {
  await system.stop();
});

async function runSmoke(args: Omit<SmokeArgs, 'json' | 'timeoutSeconds'>) {
  const logs: string[] = [];
  const errors: string[] = [];
  const out = { log: (line: string) => logs.push(line), error: (line: string) => errors.push(line) };
  const code = await smoke({ ...args, json: true, timeoutSeconds: 30 }, out, { localConfigPath: configPath });
  const report = JSON.parse(logs.join('\n')) as { passed: boolean; channels: ChannelResult[]; skipped: string[]; steps: { step: string; ms: number }[] };
  return { code, report, errors, byChannel: new Map(report.channels.map((c) => [c.channel, c])) };
}

describe('switchboard smoke against local mode', () => {
  it('passes when email is delivered, SMS and push sent, and the in-app item is in the inbox', async () => {
    const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
    const { code, report, byChannel } = await runSmoke({ customerId: 'smoke-all', email, phone: '+15550100001', pushToken: 'smoke-token-live', pushPlatform: 'GCM' });

    expect(code).toBe(EXIT.ok);
    expect(report.passed).toBe(true);
    expect(report.skipped).toEqual([]);
    expect(byChannel.get('email')).toMatchObject({ passed: true, status: 'DELIVERED' });
    for (const channel of ['sms', 'push', 'in_app'] as const) expect(byChannel.get(channel)?.passed).toBe(true);
    expect(report.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^customer smoke-all written/), expect.stringMatching(/^sms: queued smoke-sms-/)]),
    );
    // Each message really reached its provider, addressed as named, and only on its own channel.
    expect((await system.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(1);
    expect(system.sandbox.state.sms.filter((m) => m.phoneNumber === '+15550100001')).toHaveLength(1);
    expect(system.sandbox.state.push.filter((p) => p.results.some((r) => r.token === 'smoke-token-live' && r.channelType === 'GCM'))).toHaveLength(1);
  }, 60_000);

  it('fails naming the SMS spend limit when the provider refuses texts with that error code', async () => {
    system.sandbox.state.applyFaults({ smsErrors: { '+15550100002': 'ServiceQuotaExceededException' } });
    const { code, byChannel } = await runSmoke({ customerId: 'smoke-spend-limit', phone: '+15550100002' });

    expect(code).toBe(EXIT.smokeFailed);
    expect(byChannel.get('sms')).toMatchObject({ passed: false, status: 'FAILED', cause: expect.stringMatching(/monthly SMS spend limit.*\(SMS_SPEND_LIMIT\)/) });
    // The other channel checked still passed: the failure is pinned on SMS alone.
    expect(byChannel.get('in_app')?.passed).toBe(true);
  }, 60_000);

  it('says so in text, and names a dead device token as the cause of a push failure', async () => {
    system.sandbox.state.applyFaults({ pushTokens: { 'smoke-token-dead': 'PERMANENT_FAILURE' } });
    const logs: string[] = [];
    const errors: string[] = [];
    const code = await smoke(
      { customerId: 'smoke-dead-token', pushToken: 'smoke-token-dead', json: false, timeoutSeconds: 30 },
      { log: (l) => logs.push(l), error: (l) => errors.push(l) },
      { localConfigPath: configPath },
    );

    expect(code).toBe(EXIT.smokeFailed);
    expect(logs).toEqual(expect.arrayContaining(['email: skipped, no address given', 'sms: skipped, no address given', '1 of 2 channel(s) failed']));
    expect(errors).toEqual([expect.stringMatching(/^push failed: the device token is dead .*\(PUSH_NO_LIVE_TOKEN\)$/)]);
  }, 60_000);
});
