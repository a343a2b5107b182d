import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConsentWriter } from '../../functions/adapters/dynamo-consent-writer.js';
import { PermanentError } from '../../functions/core/errors.js';
import type { Channel } from '../../functions/core/model.js';
import type { ConsentChange } from '../../functions/core/ports.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

let local: LocalTables;
let writer: DynamoConsentWriter;
beforeAll(async () => {
  local = await localTables('consent');
  writer = new DynamoConsentWriter(local.doc, { tableName: local.tables.customers });
});
afterAll(() => local.client.destroy());

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function change(overrides: Partial<ConsentChange> = {}): ConsentChange {
  return { channel: 'email', topic: 'promotions', value: 'opt_out', source: 'api:crm', updatedAt: at(0), ...overrides };
}

async function put(item: Record<string, unknown>): Promise<void> {
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: item }));
}

async function read(customerId: string): Promise<Record<string, unknown> | undefined> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }))).Item;
}

describe('DynamoConsentWriter on DynamoDB Local', () => {
  it('a newer change replaces the entry, with its source and time; the rest of the record is untouched', async () => {
    await put({
      customerId: 'c-newer',
      email: { address: 'a@example.com', status: 'active' },
      consent: { email: { promotions: { value: 'opt_in', updatedAt: at(0), source: 'preference_centre' }, '*': 'opt_in' }, sms: { '*': 'opt_out' } },
    });
    const newer = change({ updatedAt: at(60) });
    expect(await writer.apply('c-newer', [newer])).toEqual({ applied: [newer], stale: [] });
    expect(await read('c-newer')).toEqual({
      customerId: 'c-newer',
      email: { address: 'a@example.com', status: 'active' },
      consent: { email: { promotions: { value: 'opt_out', updatedAt: at(60), source: 'api:crm' }, '*': 'opt_in' }, sms: { '*': 'opt_out' } },
    });
  });

  it('an older change is reported stale and leaves the newer entry alone', async () => {
    const newest = { value: 'opt_out', updatedAt: at(120), source: 'one_click_unsubscribe' };
    await put({ customerId: 'c-older', consent: { email: { promotions: newest } } });
    const older = change({ value: 'opt_in', updatedAt: at(60) });
    const alsoApplied = change({ topic: 'new-arrivals', value: 'opt_in', updatedAt: at(60) });
    expect(await writer.apply('c-older', [older, alsoApplied])).toEqual({ applied: [alsoApplied], stale: [older] });
    expect((await read('c-older'))?.consent).toEqual({ email: { promotions: newest, 'new-arrivals': { value: 'opt_in', updatedAt: at(60), source: 'api:crm' } } });
  });

  it('creates the consent map and the channel map when the record has neither', async () => {
    await put({ customerId: 'c-bare', locale: 'de-DE' });
    const first = change({ channel: 'sms', topic: '*', value: 'opt_in' });
    const second = change({ channel: 'sms', topic: 'order-updates', value: 'opt_out' });
    const third = change({ channel: 'push', topic: 'promotions', value: 'opt_in' });
    expect(await writer.apply('c-bare', [first, second, third])).toEqual({ applied: [first, second, third], stale: [] });
    const entry = (value: string) => ({ value, updatedAt: at(0), source: 'api:crm' });
    expect(await read('c-bare')).toEqual({
      customerId: 'c-bare',
      locale: 'de-DE',
      consent: { sms: { '*': entry('opt_in'), 'order-updates': entry('opt_out') }, push: { promotions: entry('opt_in') } },
    });
  });

  it('an unknown customer is a PermanentError coded UNKNOWN_CUSTOMER, and no record is created', async () => {
    const failure = await writer.apply('c-nobody', [change()]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as PermanentError).code).toBe('UNKNOWN_CUSTOMER');
    expect(await read('c-nobody')).toBeUndefined();
  });

  it('at the same instant an opt-out wins whichever arrives first, and a repeated change is applied again', async () => {
    await put({ customerId: 'c-tie-a', consent: { email: {} } });
    await put({ customerId: 'c-tie-b', consent: { email: {} } });
    const optIn = change({ value: 'opt_in', source: 'api:app' });
    const optOut = change({ value: 'opt_out', source: 'api:crm' });
    expect(await writer.apply('c-tie-a', [optIn, optOut])).toEqual({ applied: [optIn, optOut], stale: [] });
    expect(await writer.apply('c-tie-b', [optOut, optIn])).toEqual({ applied: [optOut], stale: [optIn] });
    expect(await writer.apply('c-tie-b', [optOut])).toEqual({ applied: [optOut], stale: [] });
    for (const id of ['c-tie-a', 'c-tie-b']) expect((await read(id))?.consent).toEqual({ email: { promotions: { value: 'opt_out', updatedAt: at(0), source: 'api:crm' } } });
  });

  it('entries other writers left in other shapes are ordered by the time they mean, not by their text', async () => {
    await put({
      customerId: 'c-legacy',
      consent: {
        email: {
          // No time at all: any dated change is newer.
          promotions: 'opt_in',
          // 10:00:00.000Z without milliseconds: as text it sorts after 10:00:00.500Z, as a time before it.
          'new-arrivals': { value: 'opt_in', updatedAt: '2026-11-24T10:00:00Z' },
          // 09:00Z written with an offset: as text it sorts before 07:00Z, as a time after it.
          'back-in-stock': { value: 'opt_in', updatedAt: '2026-11-24T04:00:00-05:00' },
          // Unreadable time: treated as undated.
          'order-updates': { value: 'opt_in', updatedAt: 'yesterday' },
        },
      },
    });
    const untimed = change({ topic: 'promotions' });
    const later = change({ topic: 'new-arrivals', updatedAt: '2026-11-24T10:00:00.500Z' });
    const earlier = change({ topic: 'back-in-stock', updatedAt: '2026-11-24T07:00:00.000Z' });
    const overUnreadable = change({ topic: 'order-updates' });
    expect(await writer.apply('c-legacy', [untimed, later, earlier, overUnreadable])).toEqual({ applied: [untimed, later, overUnreadable], stale: [earlier] });
    const email = ((await read('c-legacy'))?.consent as { email: Record<string, unknown> }).email;
    expect(email['back-in-stock']).toEqual({ value: 'opt_in', updatedAt: '2026-11-24T04:00:00-05:00' });
    expect(email['new-arrivals']).toEqual({ value: 'opt_out', updatedAt: '2026-11-24T10:00:00.500Z', source: 'api:crm' });
  });

  it('stores times in canonical form, and refuses a change whose time cannot be read before writing anything', async () => {
    await put({ customerId: 'c-times' });
    const offset = change({ updatedAt: '2026-11-24T11:00:00+01:00' });
    expect(await writer.apply('c-times', [offset])).toEqual({ applied: [{ ...offset, updatedAt: at(0) }], stale: [] });
    const failure = await writer.apply('c-times', [change({ topic: 'other', updatedAt: at(5) }), change({ updatedAt: 'soon' })]).catch((error: unknown) => error);
    expect((failure as PermanentError).code).toBe('INVALID_CONSENT_CHANGE');
    expect((await read('c-times'))?.consent).toEqual({ email: { promotions: { value: 'opt_out', updatedAt: at(0), source: 'api:crm' } } });
  });

  it('refuses to write below consent that is not a map', async () => {
    await put({ customerId: 'c-broken', consent: { email: 'opt_in' } });
    const failure = await writer.apply('c-broken', [change()]).catch((error: unknown) => error);
    expect((failure as PermanentError).code).toBe('MALFORMED_CUSTOMER');
    expect((await read('c-broken'))?.consent).toEqual({ email: 'opt_in' });
  });

  it('concurrent writers: the newest change ends on the record whatever the order, and creating the maps loses nobody’s write', async () => {
    await put({ customerId: 'c-race' });
    // A fixed shuffle of 24 distinct times for one channel and topic, plus one change per other channel and topic.
    const seconds = [17, 3, 22, 9, 14, 0, 20, 6, 11, 23, 1, 18, 7, 13, 4, 21, 10, 16, 2, 19, 8, 15, 5, 12];
    const contested = seconds.map((s) => change({ value: s % 2 === 0 ? 'opt_in' : 'opt_out', source: `api:writer-${s}`, updatedAt: at(s) }));
    const others = (['push', 'sms', 'in_app'] as Channel[]).flatMap((channel) => ['promotions', 'order-updates'].map((topic) => change({ channel, topic, value: 'opt_in' })));
    const writers = Array.from({ length: 4 }, () => new DynamoConsentWriter(local.doc, { tableName: local.tables.customers }));
    const results = await Promise.all([...contested, ...others].map((c, i) => (writers[i % writers.length] as DynamoConsentWriter).apply('c-race', [c])));

    const newest = contested.find((c) => c.updatedAt === at(23)) as ConsentChange;
    const record = (await read('c-race'))?.consent as Record<string, Record<string, unknown>>;
    expect(record.email?.promotions).toEqual({ value: newest.value, updatedAt: newest.updatedAt, source: newest.source });
    expect(results.flatMap((r) => r.applied)).toContainEqual(newest);
    for (const other of others) expect(record[other.channel]?.[other.topic]).toEqual({ value: 'opt_in', updatedAt: at(0), source: 'api:crm' });
    // Every change is accounted for exactly once, and nothing reported stale is newer than what stands.
    expect(results.every((r) => r.applied.length + r.stale.length === 1)).toBe(true);
    for (const stale of results.flatMap((r) => r.stale)) expect(stale.updatedAt < newest.updatedAt).toBe(true);
  });
});
