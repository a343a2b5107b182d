import { describe, expect, it } from 'vitest';
import type { WaitClock } from '../../functions/cli/commands/send-wait.js';
import { smoke } from '../../functions/cli/commands/smoke.js';
import { likelyCause } from '../../functions/cli/commands/smoke-causes.js';
import type { SmokeTarget } from '../../functions/cli/commands/smoke-target.js';
import { EXIT } from '../../functions/cli/exit-codes.js';
import { main } from '../../functions/cli/main.js';
import type { Channel, DeliveryRecord } from '../../functions/core/model.js';

const AT = '2026-12-01T10:00:00.000Z';

function record(channel: Channel, fields: Partial<DeliveryRecord>): DeliveryRecord {
  return { requestId: `smoke-${channel}-x`, customerId: 'smoke-test', status: 'FAILED', attempts: [], timeline: [], ...fields } as DeliveryRecord;
}

function failedWith(channel: Channel, code: string): DeliveryRecord {
  return record(channel, { attempts: [{ channel, at: AT, outcome: 'FAILED_PERMANENT', error: { code, message: 'whatever the provider said' } }] });
}

describe('the likely cause of a smoke failure', () => {
  it('reads SES refusals by code: sandbox recipient, unverified sending identity', () => {
    expect(likelyCause({ channel: 'email', record: failedWith('email', 'EMAIL_REJECTED') })).toMatch(/SES sandbox.*\(EMAIL_REJECTED\)$/);
    expect(likelyCause({ channel: 'email', record: failedWith('email', 'EMAIL_SENDER_NOT_VERIFIED') })).toMatch(/not verified.*\(EMAIL_SENDER_NOT_VERIFIED\)$/);
  });

  it('never reads the message text: an unknown code is reported as that code', () => {
    const cause = likelyCause({
      channel: 'sms',
      record: record('sms', { attempts: [{ channel: 'sms', at: AT, outcome: 'FAILED_PERMANENT', error: { code: 'SMS_FAILED', message: 'spend limit exceeded' } }] }),
    });
    expect(cause).toBe('the provider refused it (SMS_FAILED)');
  });

  it('names push switched off, a retry the record waits on, and a suppression by its exclusion reason', () => {
    expect(likelyCause({ channel: 'push', record: failedWith('push', 'CHANNEL_NOT_CONFIGURED') })).toMatch(/no push application id/);
    expect(likelyCause({ channel: 'sms', record: record('sms', { status: 'ACCEPTED', lastRetry: { code: 'SMS_THROTTLED', at: AT } }) })).toMatch(/throttled \(SMS_THROTTLED\)$/);
    const suppressed = record('email', { status: 'SUPPRESSED', decision: { ranked: [], excluded: [{ channel: 'email', reason: 'ADDRESS_SUPPRESSED' }] } });
    expect(likelyCause({ channel: 'email', record: suppressed })).toMatch(/^SUPPRESSED: the address is suppressed.*\(ADDRESS_SUPPRESSED\)$/);
  });

  it('tells nothing happening apart from a send whose report never came', () => {
    expect(likelyCause({ channel: 'sms' })).toMatch(/^nothing happened: no delivery record/);
    expect(likelyCause({ channel: 'email', record: record('email', { status: 'SENT' }) })).toMatch(/no delivery event came back/);
    expect(likelyCause({ channel: 'in_app', record: record('in_app', { status: 'SENT' }), inboxItem: false })).toMatch(/inbox has no item/);
  });
});

/** A clock that moves only when the command waits. */
function steppingClock(): WaitClock {
  let now = Date.parse(AT);
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

function fakeTarget(read: (requestId: string) => DeliveryRecord | undefined): SmokeTarget & { written: unknown[]; queued: Record<string, unknown>[] } {
  const written: unknown[] = [];
  const queued: Record<string, unknown>[] = [];
  return {
    describe: 'a test system',
    written,
    queued,
    writeCustomer: async (customerId, profile, consent) => {
      written.push({ customerId, profile, consent });
      return [];
    },
    enqueue: async (body) => void queued.push(body as Record<string, unknown>),
    deliveries: { getDelivery: async (requestId) => read(requestId) },
    inboxHas: async () => true,
    close: () => undefined,
  };
}

describe('switchboard smoke', () => {
  it('gives up at --timeout when no record is written, and names a consumer that is not running', async () => {
    const target = fakeTarget(() => undefined);
    const errors: string[] = [];
    const code = await smoke({ phone: '+15550100003', json: false, timeoutSeconds: 5 }, { log: () => undefined, error: (l) => errors.push(l) }, { target, clock: steppingClock() });
    expect(code).toBe(EXIT.smokeFailed);
    expect(errors).toEqual([expect.stringMatching(/^sms failed: nothing happened/), expect.stringMatching(/^in_app failed: nothing happened/)]);
  });

  it('sends one transactional request per channel, restricted to it, and consent for exactly those channels', async () => {
    const target = fakeTarget((requestId) => record('sms', { requestId, status: 'SENT' }));
    const code = await smoke({ customerId: 'ops-check', phone: '+15550100004', json: true }, { log: () => undefined, error: () => undefined }, { target, clock: steppingClock() });
    expect(code).toBe(EXIT.ok);
    expect(target.queued.map((q) => [q.customerId, q.template, q.category, q.channels])).toEqual([
      ['ops-check', 'order-shipped', 'transactional', ['sms']],
      ['ops-check', 'order-shipped', 'transactional', ['in_app']],
    ]);
    expect(target.written).toEqual([
      {
        customerId: 'ops-check',
        profile: expect.objectContaining({ phone: { number: '+15550100004' }, inApp: { enabled: true } }),
        consent: { source: 'smoke', changes: ['sms', 'in_app'].map((channel) => ({ channel, topic: 'order-updates', value: 'opt_in', updatedAt: AT })) },
      },
    ]);
  });

  it('refuses a malformed address before touching the system, and an unknown push platform', async () => {
    const errors: string[] = [];
    const out = { log: () => undefined, error: (l: string) => errors.push(l) };
    expect(await smoke({ phone: '01234', json: false }, out, { target: fakeTarget(() => undefined) })).toBe(EXIT.failed);
    expect(errors).toEqual([expect.stringMatching(/^phone: must be an E\.164 number/)]);
    expect(await main(['smoke', '--push-token', 't', '--push-platform', 'WNS'], out)).toBe(EXIT.failed);
    expect(errors.at(-1)).toMatch(/--push-platform must be one of APNS, APNS_SANDBOX, GCM/);
  });
});
