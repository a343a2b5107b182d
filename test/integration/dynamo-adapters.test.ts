import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoInboxSender } from '../../functions/adapters/dynamo-inbox-sender.js';
import { PermanentError } from '../../functions/core/errors.js';
import type { Attempt, Customer, DeliveryRecord } from '../../functions/core/model.js';
import type { ClaimResult } from '../../functions/core/ports.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

let local: LocalTables;
beforeAll(async () => {
  local = await localTables('dyn');
});
afterAll(() => local.client.destroy());

const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function claimOf(requestId: string, now: Date, extra: { customerId?: string; createdAt?: string } = {}) {
  return { requestId, customerId: extra.customerId ?? 'c-1', template: 'cart-reminder', createdAt: extra.createdAt ?? T0.toISOString(), now, leaseMs: 60_000 };
}

function sentRecord(requestId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    requestId,
    customerId: 'c-1',
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    strategy: 'failover',
    status: 'SENT',
    channel: 'push',
    attempts: [{ channel: 'push', at: at(1_000).toISOString(), outcome: 'SENT', providerMessageId: 'm-1' }],
    decision: {
      ranked: [{ channel: 'push', score: 0.8, reasons: ['context +0.40: in store'], components: { context: 0.4, preference: 0.2, engagement: 0.1, urgency: 0.1, cost: 0 } }],
      excluded: [],
    },
    timeline: [{ status: 'SENT', at: at(1_000).toISOString(), channel: 'push' }],
    createdAt: T0.toISOString(),
    updatedAt: at(1_000).toISOString(),
    ...overrides,
  };
}

/** The lease a claim wrote; anything but a claim fails the test. */
function leaseOf(result: ClaimResult): number {
  if (result.kind !== 'claimed') throw new Error(`expected a claim, got ${result.kind}`);
  return result.lease;
}

async function rawDelivery(requestId: string): Promise<Record<string, unknown> | undefined> {
  const output = await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }));
  return output.Item;
}

describe('DynamoDeliveryLog on DynamoDB Local', () => {
  const log = () => new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries, retentionDays: 30 });

  it('claims once, answers busy while the lease lives, lets another worker take over after it lapses, then reports duplicates', async () => {
    const deliveries = log();
    expect(await deliveries.claim(claimOf('r-lease', T0))).toEqual({ kind: 'claimed', lease: T0.getTime() + 60_000, accepted: [] });
    expect(await deliveries.claim(claimOf('r-lease', at(59_000)))).toEqual({ kind: 'busy' });
    expect(await deliveries.claim(claimOf('r-lease', at(61_000)))).toEqual({ kind: 'claimed', lease: at(61_000).getTime() + 60_000, accepted: [] });

    const item = await rawDelivery('r-lease');
    expect(item).toMatchObject({ status: 'ACCEPTED', customerId: 'c-1', template: 'cart-reminder', leaseUntil: at(61_000).getTime() + 60_000 });
    expect(item?.expiresAtEpoch).toBe(Math.floor((at(61_000).getTime() + 30 * 86_400_000) / 1000));
    // The claim stays out of the history index until finish gives it a sort key.
    expect(item).not.toHaveProperty('createdAt');

    await deliveries.finish(sentRecord('r-lease'));
    expect(await deliveries.claim(claimOf('r-lease', at(500_000)))).toEqual({ kind: 'duplicate', status: 'SENT' });
  });

  it('a takeover after a lapsed lease hands back the attempts a provider accepted and keeps the timeline', async () => {
    const sent: Attempt = { channel: 'email', at: at(1_000).toISOString(), outcome: 'SENT', providerMessageId: 'ses-1' };
    const failed: Attempt = { channel: 'sms', at: at(500).toISOString(), outcome: 'FAILED_RETRYABLE', error: { code: 'SMS_THROTTLED', message: 'slow down' } };
    const first = log();
    await first.claim(claimOf('r-takeover', T0));
    await first.recordAccepted('r-takeover', failed);
    await first.recordAccepted('r-takeover', sent);

    const second = log();
    expect(await second.claim(claimOf('r-takeover', at(61_000), { customerId: 'c-other' }))).toEqual({
      kind: 'claimed',
      lease: at(61_000).getTime() + 60_000,
      accepted: [sent],
    });
    const record = await second.getDelivery('r-takeover');
    expect(record).toMatchObject({ status: 'ACCEPTED', customerId: 'c-1', attempts: [failed, sent] });
    expect(record?.timeline).toEqual([{ status: 'ACCEPTED', at: T0.toISOString() }]);
  });

  it('recordAccepted never creates a record for a request nobody claimed', async () => {
    await log().recordAccepted('r-unclaimed', { channel: 'push', at: T0.toISOString(), outcome: 'SENT', providerMessageId: 'pp-1' });
    expect(await rawDelivery('r-unclaimed')).toBeUndefined();
  });

  it('finish appends its events after those already written and drops the lease', async () => {
    const deliveries = log();
    await deliveries.claim(claimOf('r-append', T0));
    // A feedback writer got an event in before the orchestrator recorded its outcome.
    await local.doc.send(
      new UpdateCommand({
        TableName: local.tables.deliveries,
        Key: { requestId: 'r-append' },
        UpdateExpression: 'SET #t = list_append(#t, :e)',
        ExpressionAttributeNames: { '#t': 'timeline' },
        ExpressionAttributeValues: { ':e': [{ status: 'DELIVERED', at: at(2_000).toISOString(), eventId: 'ev-1' }] },
      }),
    );
    await deliveries.finish(sentRecord('r-append'));

    const record = await deliveries.getDelivery('r-append');
    expect(record?.timeline.map((e) => e.status)).toEqual(['ACCEPTED', 'DELIVERED', 'SENT']);
    expect(record).toMatchObject({ status: 'SENT', channel: 'push', strategy: 'failover', topic: 'promotions' });
    expect(record?.attempts).toHaveLength(1);
    expect(record?.decision?.ranked[0]?.channel).toBe('push');
    const raw = await rawDelivery('r-append');
    expect(raw).not.toHaveProperty('leaseUntil');
    expect(record).not.toHaveProperty('expiresAtEpoch');
  });

  it('finish does not move a status that feedback already advanced', async () => {
    const deliveries = log();
    await deliveries.claim(claimOf('r-advanced', T0));
    await local.doc.send(
      new UpdateCommand({
        TableName: local.tables.deliveries,
        Key: { requestId: 'r-advanced' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'DELIVERED' },
      }),
    );
    await deliveries.finish(sentRecord('r-advanced'));
    const record = await deliveries.getDelivery('r-advanced');
    expect(record?.status).toBe('DELIVERED');
    expect(record?.attempts[0]?.providerMessageId).toBe('m-1');
    expect(record?.timeline.map((e) => e.status)).toEqual(['ACCEPTED', 'SENT']);
  });

  it('release lets the next delivery claim at once and records why and how often, and finish still works after it', async () => {
    const deliveries = log();
    const first = leaseOf(await deliveries.claim(claimOf('r-release', T0)));
    await deliveries.release({ requestId: 'r-release', lease: first, code: 'EMAIL_THROTTLED', at: at(2_000) });
    expect(await deliveries.getDelivery('r-release')).toMatchObject({
      status: 'ACCEPTED',
      lastRetry: { code: 'EMAIL_THROTTLED', at: at(2_000).toISOString() },
      retries: 1,
    });

    const second = await deliveries.claim(claimOf('r-release', at(3_000)));
    expect(second).toEqual({ kind: 'claimed', lease: at(3_000).getTime() + 60_000, accepted: [] });
    await deliveries.release({ requestId: 'r-release', lease: leaseOf(second), code: 'DEADLINE', at: at(4_000) });
    expect(await deliveries.getDelivery('r-release')).toMatchObject({ lastRetry: { code: 'DEADLINE', at: at(4_000).toISOString() }, retries: 2 });

    expect(await deliveries.claim(claimOf('r-release', at(5_000)))).toMatchObject({ kind: 'claimed' });
    await deliveries.finish(sentRecord('r-release', { updatedAt: at(6_000).toISOString() }));
    const finished = await deliveries.getDelivery('r-release');
    expect(finished).toMatchObject({ status: 'SENT', channel: 'push', retries: 2, lastRetry: { code: 'DEADLINE' } });
    expect(finished?.timeline.map((e) => e.status)).toEqual(['ACCEPTED', 'SENT']);
    expect(await rawDelivery('r-release')).not.toHaveProperty('leaseUntil');
    expect(await deliveries.claim(claimOf('r-release', at(7_000)))).toEqual({ kind: 'duplicate', status: 'SENT' });
  });

  it('release of a request never claimed creates nothing', async () => {
    await log().release({ requestId: 'r-never-claimed', lease: T0.getTime() + 60_000, code: 'EMAIL_THROTTLED', at: T0 });
    expect(await rawDelivery('r-never-claimed')).toBeUndefined();
  });

  it("release by a worker whose lease lapsed leaves the new owner's lease alone", async () => {
    const first = log();
    const second = log();
    const lapsed = leaseOf(await first.claim(claimOf('r-lapsed', T0)));
    const current = leaseOf(await second.claim(claimOf('r-lapsed', at(61_000))));
    expect(current).toBe(at(61_000).getTime() + 60_000);

    await first.release({ requestId: 'r-lapsed', lease: lapsed, code: 'SMS_THROTTLED', at: at(61_500) });
    expect(await log().claim(claimOf('r-lapsed', at(62_000)))).toEqual({ kind: 'busy' });
    const untouched = await log().getDelivery('r-lapsed');
    expect(untouched).not.toHaveProperty('lastRetry');
    expect(untouched).not.toHaveProperty('retries');

    await second.release({ requestId: 'r-lapsed', lease: current, code: 'EMAIL_THROTTLED', at: at(62_500) });
    expect(await log().claim(claimOf('r-lapsed', at(63_000)))).toMatchObject({ kind: 'claimed' });
    expect(await log().getDelivery('r-lapsed')).toMatchObject({ lastRetry: { code: 'EMAIL_THROTTLED' }, retries: 1 });
  });

  it('release never reopens a finished record', async () => {
    const deliveries = log();
    const lease = leaseOf(await deliveries.claim(claimOf('r-done', T0)));
    await deliveries.finish(sentRecord('r-done'));
    await deliveries.release({ requestId: 'r-done', lease, code: 'EMAIL_THROTTLED', at: at(2_000) });
    expect(await deliveries.claim(claimOf('r-done', at(3_000)))).toEqual({ kind: 'duplicate', status: 'SENT' });
    expect(await deliveries.getDelivery('r-done')).not.toHaveProperty('retries');
  });

  it('reject records a rejection but never clobbers a record that is not REJECTED', async () => {
    const deliveries = log();
    await deliveries.claim(claimOf('r-sent', T0));
    await deliveries.finish(sentRecord('r-sent'));
    const rejected = (requestId: string, message: string): DeliveryRecord => ({
      requestId,
      customerId: 'c-1',
      status: 'REJECTED',
      attempts: [],
      timeline: [{ status: 'REJECTED', at: T0.toISOString(), detail: message }],
      problems: [{ path: 'channels', message }],
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    await deliveries.reject(rejected('r-sent', 'bad'));
    expect((await deliveries.getDelivery('r-sent'))?.status).toBe('SENT');

    await deliveries.reject(rejected('r-bad', 'first'));
    await deliveries.reject(rejected('r-bad', 'second'));
    expect((await deliveries.getDelivery('r-bad'))?.problems).toEqual([{ path: 'channels', message: 'second' }]);
    expect(await deliveries.claim(claimOf('r-bad', at(1_000)))).toEqual({ kind: 'duplicate', status: 'REJECTED' });
  });

  it('keeps a rejection without a customer id out of the history index instead of failing', async () => {
    const deliveries = log();
    await deliveries.reject({ requestId: 'sqs:m-1', customerId: '', status: 'REJECTED', attempts: [], timeline: [], createdAt: '', updatedAt: T0.toISOString() });
    const raw = await rawDelivery('sqs:m-1');
    expect(raw?.status).toBe('REJECTED');
    expect(raw).not.toHaveProperty('customerId');
    expect(raw?.createdAt).toBe(T0.toISOString());
  });

  it("lists a customer's deliveries newest first, page by page, with an opaque cursor", async () => {
    const deliveries = log();
    const claimAndFinish = async (requestId: string, customerId: string, createdAt: string) => {
      await deliveries.claim(claimOf(requestId, T0, { customerId, createdAt }));
      await deliveries.finish(sentRecord(requestId, { customerId, createdAt }));
    };
    for (let i = 0; i < 5; i++) await claimAndFinish(`h-${i}`, 'c-history', new Date(T0.getTime() + i * 60_000).toISOString());
    // Sorted by instant, not by the text upstream sent: 11:30+01:00 is 10:30Z, the newest of all.
    await claimAndFinish('h-offset', 'c-history', '2026-11-24T11:30:00+01:00');
    await claimAndFinish('other', 'c-someone-else', T0.toISOString());
    // A request still in flight is not listed: its claim carries no index sort key yet.
    await deliveries.claim(claimOf('h-in-flight', T0, { customerId: 'c-history' }));

    const seen: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await deliveries.listByCustomer('c-history', { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(page.items.map((r) => r.requestId));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.flat()).toEqual(['h-offset', 'h-4', 'h-3', 'h-2', 'h-1', 'h-0']);
    expect(seen[0]).toHaveLength(2);

    await expect(deliveries.listByCustomer('c-history', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(PermanentError);
    const first = await deliveries.listByCustomer('c-history', { limit: 1 });
    await expect(deliveries.listByCustomer('c-someone-else', { cursor: first.cursor })).rejects.toThrow(/invalid history cursor/);
  });
});

describe('DynamoCustomerDirectory on DynamoDB Local', () => {
  const directory = () => new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers });

  async function seed(customers: Customer[]): Promise<void> {
    for (let i = 0; i < customers.length; i += 25) {
      await local.doc.send(new BatchWriteCommand({ RequestItems: { [local.tables.customers]: customers.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  }

  async function stored(customerId: string): Promise<Customer | undefined> {
    const output = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }));
    return output.Item as Customer | undefined;
  }

  it('reads 250 ids in three BatchGetItem calls, skipping duplicates and ids that do not exist', async () => {
    const existing = Array.from({ length: 240 }, (_, i) => ({ customerId: `bulk-${i}`, locale: 'de-DE', attributes: { n: i } }));
    await seed(existing);
    const ids = [...Array.from({ length: 250 }, (_, i) => `bulk-${i}`), 'bulk-1', 'bulk-2'];
    const dir = directory();
    const send = vi.spyOn(local.doc, 'send');
    try {
      const found = await dir.getMany(ids);
      expect(found.size).toBe(240);
      expect(found.get('bulk-7')).toEqual({ customerId: 'bulk-7', locale: 'de-DE', attributes: { n: 7 } });
      expect(found.has('bulk-245')).toBe(false);
      expect(send.mock.calls.filter(([command]) => command.constructor.name === 'BatchGetCommand')).toHaveLength(3);
    } finally {
      send.mockRestore();
    }
  });

  it('marks a dead token suppressed in place, leaving other tokens and attributes alone', async () => {
    await seed([
      {
        customerId: 'tok-dead',
        push: [
          { token: 'aaa', platform: 'APNS', status: 'active' },
          { token: 'bbb', platform: 'GCM', status: 'active' },
        ],
        engagement: { push: { sent: 3 } },
      },
    ]);
    await directory().applyAddressChanges('tok-dead', [{ channel: 'push', token: 'bbb', kind: 'token_dead' }], T0);
    expect(await stored('tok-dead')).toEqual({
      customerId: 'tok-dead',
      push: [
        { token: 'aaa', platform: 'APNS', status: 'active' },
        { token: 'bbb', platform: 'GCM', status: 'suppressed', reason: 'invalid', updatedAt: T0.toISOString() },
      ],
      engagement: { push: { sent: 3 } },
    });
  });

  it('replaces a renewed token, and retires it instead when the new token is already on file', async () => {
    await seed([
      { customerId: 'tok-renew', push: [{ token: 'old', platform: 'APNS', status: 'active' }] },
      {
        customerId: 'tok-dup',
        push: [
          { token: 'old', platform: 'APNS', status: 'active' },
          { token: 'new', platform: 'APNS', status: 'active' },
        ],
      },
    ]);
    await directory().applyAddressChanges('tok-renew', [{ channel: 'push', token: 'old', kind: 'token_renewed', newToken: 'new' }], T0);
    expect((await stored('tok-renew'))?.push).toEqual([{ token: 'new', platform: 'APNS', status: 'active', updatedAt: T0.toISOString() }]);

    await directory().applyAddressChanges('tok-dup', [{ channel: 'push', token: 'old', kind: 'token_renewed', newToken: 'new' }], T0);
    expect((await stored('tok-dup'))?.push?.map((t) => [t.token, t.status])).toEqual([
      ['old', 'suppressed'],
      ['new', 'active'],
    ]);
  });

  it('records an SMS opt-out on the number and in consent, whatever consent maps already exist', async () => {
    const optOut = { value: 'opt_out', updatedAt: T0.toISOString(), source: 'sms_opt_out' };
    await seed([
      { customerId: 'sms-full', phone: { number: '+4915100000001', status: 'active' }, consent: { sms: { 'order-updates': 'opt_in' }, email: { '*': 'opt_in' } } },
      { customerId: 'sms-no-consent', phone: { number: '+4915100000002' } },
      { customerId: 'sms-no-sms-book', phone: { number: '+4915100000003' }, consent: { email: { '*': 'opt_in' } } },
      { customerId: 'sms-no-phone', consent: { sms: { '*': 'opt_in' } } },
    ]);
    const dir = directory();
    for (const id of ['sms-full', 'sms-no-consent', 'sms-no-sms-book', 'sms-no-phone']) await dir.applyAddressChanges(id, [{ channel: 'sms', kind: 'opted_out' }], T0);

    const suppressed = { status: 'suppressed', reason: 'opted_out', updatedAt: T0.toISOString() };
    expect(await stored('sms-full')).toEqual({
      customerId: 'sms-full',
      phone: { number: '+4915100000001', ...suppressed },
      consent: { sms: { 'order-updates': 'opt_in', '*': optOut }, email: { '*': 'opt_in' } },
    });
    expect(await stored('sms-no-consent')).toEqual({ customerId: 'sms-no-consent', phone: { number: '+4915100000002', ...suppressed }, consent: { sms: { '*': optOut } } });
    expect((await stored('sms-no-sms-book'))?.consent).toEqual({ email: { '*': 'opt_in' }, sms: { '*': optOut } });
    expect(await stored('sms-no-phone')).toEqual({ customerId: 'sms-no-phone', consent: { sms: { '*': optOut } } });
  });

  it('never creates a customer while applying changes to an unknown id', async () => {
    await directory().applyAddressChanges(
      'ghost',
      [
        { channel: 'sms', kind: 'opted_out' },
        { channel: 'push', token: 'x', kind: 'token_dead' },
      ],
      T0,
    );
    expect(await stored('ghost')).toBeUndefined();
  });
});

describe('DynamoFrequencyCounter on DynamoDB Local', () => {
  const counter = () => new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters });
  const slotOf = (now: Date, customerId: string) => ({ customerId, channel: 'sms' as const, category: 'marketing' as const, now });
  const input = (now: Date, limits: { perDay?: number; perWeek?: number }, customerId = 'cap-1') => ({ ...slotOf(now, customerId), limits });
  const counts = async (customerId: string, week = '2026-W48') => {
    const output = await local.doc.send(new GetCommand({ TableName: local.tables.counters, Key: { counterKey: `${customerId}#sms#marketing#${week}` }, ConsistentRead: true }));
    return output.Item;
  };

  it('lets exactly the cap through when 20 sends race for it', async () => {
    const c = counter();
    const results = await Promise.all(Array.from({ length: 20 }, () => c.tryConsume(input(T0, { perDay: 5, perWeek: 10 }))));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const item = await local.doc.send(new GetCommand({ TableName: local.tables.counters, Key: { counterKey: 'cap-1#sms#marketing#2026-W48' }, ConsistentRead: true }));
    expect(item.Item).toMatchObject({ week: 5, 'd2026-11-24': 5 });
  });

  it('applies the weekly cap across days of the same ISO week and starts afresh the next week', async () => {
    const c = counter();
    const limits = { perDay: 2, perWeek: 3 };
    const monday = new Date('2026-11-23T09:00:00Z');
    const tuesday = new Date('2026-11-24T09:00:00Z');
    const nextMonday = new Date('2026-11-30T09:00:00Z');
    const outcomes = [];
    for (const now of [monday, monday, monday, tuesday, tuesday, nextMonday]) outcomes.push((await c.tryConsume(input(now, limits, 'cap-2'))).allowed);
    expect(outcomes).toEqual([true, true, false, true, false, true]);
  });

  it('a refund gives back one slot of the day and the week', async () => {
    const c = counter();
    const limits = { perDay: 2, perWeek: 10 };
    expect((await c.tryConsume(input(T0, limits, 'cap-refund'))).allowed).toBe(true);
    expect((await c.tryConsume(input(T0, limits, 'cap-refund'))).allowed).toBe(true);
    expect((await c.tryConsume(input(T0, limits, 'cap-refund'))).allowed).toBe(false);
    await c.refund(slotOf(T0, 'cap-refund'));
    expect(await counts('cap-refund')).toMatchObject({ week: 1, 'd2026-11-24': 1 });
    expect((await c.tryConsume(input(T0, limits, 'cap-refund'))).allowed).toBe(true);
    expect((await c.tryConsume(input(T0, limits, 'cap-refund'))).allowed).toBe(false);
  });

  it('a refund never takes a count below zero nor creates a counter', async () => {
    const c = counter();
    await c.refund(slotOf(T0, 'cap-fresh'));
    expect(await counts('cap-fresh')).toBeUndefined();

    expect((await c.tryConsume(input(T0, { perDay: 3 }, 'cap-floor'))).allowed).toBe(true);
    // Another day of the same week has no count of its own to give back, so the week stays too.
    await c.refund(slotOf(new Date('2026-11-25T09:00:00Z'), 'cap-floor'));
    expect(await counts('cap-floor')).toMatchObject({ week: 1, 'd2026-11-24': 1 });
    expect(await counts('cap-floor')).not.toHaveProperty('d2026-11-25');

    await c.refund(slotOf(T0, 'cap-floor'));
    await c.refund(slotOf(T0, 'cap-floor'));
    expect(await counts('cap-floor')).toMatchObject({ week: 0, 'd2026-11-24': 0 });
  });

  it('never lets more than the cap hold a slot while sends race and failed ones give theirs back', async () => {
    const c = counter();
    const limits = { perDay: 5, perWeek: 5 };
    let held = 0;
    let mostHeld = 0;
    let kept = 0;
    // `held` rises only after the counter took a slot and falls before the refund is sent, so it never exceeds what the table counts.
    const send = async (fails: boolean): Promise<void> => {
      if (!(await c.tryConsume(input(T0, limits, 'cap-race'))).allowed) return;
      held += 1;
      mostHeld = Math.max(mostHeld, held);
      if (!fails) {
        kept += 1;
        return;
      }
      held -= 1;
      await c.refund(slotOf(T0, 'cap-race'));
    };
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 3 === 0)));
      expect(mostHeld).toBeLessThanOrEqual(5);
      expect(await counts('cap-race')).toMatchObject({ week: kept, 'd2026-11-24': kept });
    }
    // Whatever the interleaving, sends that keep their slot fill the cap and no more.
    while (kept < 5) await send(false);
    expect(await c.tryConsume(input(T0, limits, 'cap-race'))).toEqual({ allowed: false });
    expect(await counts('cap-race')).toMatchObject({ week: 5, 'd2026-11-24': 5 });
    expect(mostHeld).toBeLessThanOrEqual(5);
  });
});

describe('DynamoInboxSender on DynamoDB Local', () => {
  it('writes one unread message and treats a repeat of the same write as sent', async () => {
    const sender = new DynamoInboxSender(local.doc, { tableName: local.tables.inbox });
    const message = {
      requestId: 'r-inbox',
      customerId: 'c-inbox',
      template: 'cart-reminder',
      category: 'marketing' as const,
      topic: 'promotions',
      at: T0,
      content: { title: 'Still there', body: 'Your boots are waiting.', action: { label: 'Open', url: 'https://shop.example/cart' } },
    };
    expect(await sender.send(message)).toEqual({ outcome: 'SENT', providerMessageId: `${T0.toISOString()}#r-inbox` });
    const key = { customerId: 'c-inbox', sk: `${T0.toISOString()}#r-inbox` };
    await local.doc.send(
      new UpdateCommand({
        TableName: local.tables.inbox,
        Key: key,
        UpdateExpression: 'SET #s = :read',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':read': 'read' },
      }),
    );
    expect((await sender.send(message)).outcome).toBe('SENT');
    const item = await local.doc.send(new GetCommand({ TableName: local.tables.inbox, Key: key }));
    // The repeat did not overwrite what the customer did since (read it).
    expect(item.Item).toMatchObject({ status: 'read', title: 'Still there', action: { label: 'Open', url: 'https://shop.example/cart' } });
    expect(item.Item?.expiresAtEpoch).toBe(Math.floor(T0.getTime() / 1000) + 90 * 86_400);
  });
});
