import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoEngagementRecorder } from '../../functions/adapters/dynamo-engagement-recorder.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import type { DeliveredCount } from '../../functions/core/feedback/ports.js';
import type { Customer } from '../../functions/core/model.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

let local: LocalTables;
const at = new Date('2026-11-24T12:00:00Z');

beforeAll(async () => {
  local = await localTables('bookkeeping');
});

async function put(customers: Array<Pick<Customer, 'customerId' | 'engagement'>>): Promise<void> {
  for (let i = 0; i < customers.length; i += 25) {
    const Items = customers.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await local.doc.send(new BatchWriteCommand({ RequestItems: { [local.tables.customers]: Items } }));
  }
}

async function engagementOf(customerId: string): Promise<Customer['engagement'] | 'absent'> {
  const { Item } = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId } }));
  return Item ? (Item as Customer).engagement : 'absent';
}

/** The commands `work` sent through the test's document client, by class name. */
async function commandsSentBy(work: () => Promise<void>): Promise<string[]> {
  const spy = vi.spyOn(local.doc, 'send');
  try {
    await work();
    return spy.mock.calls.map((call) => (call[0] as object).constructor.name);
  } finally {
    spy.mockRestore();
  }
}

describe('delivered counts of a batch', () => {
  it('adds to 30 customers’ existing counters in two PartiQL requests', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `known-${i}`);
    await put(ids.map((customerId) => ({ customerId, engagement: { push: { delivered: 4, opened: 1 }, in_app: { delivered: 1 } } })));
    const recorder = new DynamoEngagementRecorder(local.doc, { tableName: local.tables.customers });
    const counts: DeliveredCount[] = ids.flatMap((customerId) => [
      { customerId, channel: 'push', shape: 'channel' },
      { customerId, channel: 'in_app', shape: 'channel' },
    ]);
    counts.push({ customerId: 'known-0', channel: 'push', shape: 'channel' });
    expect(await commandsSentBy(() => recorder.recordDelivered(counts, at))).toEqual(['BatchExecuteStatementCommand', 'BatchExecuteStatementCommand']);
    expect(await engagementOf('known-0')).toEqual({ push: { delivered: 6, opened: 1 }, in_app: { delivered: 2 } });
    expect(await engagementOf('known-29')).toEqual({ push: { delivered: 5, opened: 1 }, in_app: { delivered: 2 } });
  });

  it('creates missing maps in the same batch, takes the general path where the item differs, and never creates a customer', async () => {
    await put([
      { customerId: 'fresh' },
      { customerId: 'other-channel', engagement: { email: { delivered: 2 } } },
      { customerId: 'opened-only', engagement: { push: { opened: 1 } } },
      { customerId: 'stale-hint', engagement: { push: { opened: 2 } } },
    ]);
    const recorder = new DynamoEngagementRecorder(local.doc, { tableName: local.tables.customers });
    const counts: DeliveredCount[] = [
      { customerId: 'fresh', channel: 'push', shape: 'none' },
      { customerId: 'other-channel', channel: 'in_app', shape: 'engagement' },
      { customerId: 'opened-only', channel: 'push', shape: 'channel' },
      // The batch read said the map was there; the statement's condition finds no counter yet.
      { customerId: 'stale-hint', channel: 'push', shape: 'channel' },
      { customerId: 'stale-hint', channel: 'push', shape: 'channel' },
      { customerId: 'nobody', channel: 'push', shape: 'channel' },
    ];
    const sent = await commandsSentBy(() => recorder.recordDelivered(counts, at));
    // One batch for all; the general path only for the three whose stored shape differs from the hint.
    expect(sent).toEqual(['BatchExecuteStatementCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(await engagementOf('fresh')).toEqual({ push: { delivered: 1 } });
    expect(await engagementOf('other-channel')).toEqual({ email: { delivered: 2 }, in_app: { delivered: 1 } });
    expect(await engagementOf('opened-only')).toEqual({ push: { opened: 1, delivered: 1 } });
    expect(await engagementOf('stale-hint')).toEqual({ push: { opened: 2, delivered: 2 } });
    expect(await engagementOf('nobody')).toBe('absent');
  });
});

describe('SMS message ids of a batch', () => {
  it('are written 25 to a request and each found again by the feedback loop', async () => {
    const index = new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries });
    const messages = Array.from({ length: 30 }, (_, i) => ({ channel: 'sms' as const, providerMessageId: `sns-${i}`, requestId: `r-${i}` }));
    expect(await commandsSentBy(() => index.rememberAll(messages, at))).toEqual(['BatchWriteCommand', 'BatchWriteCommand']);
    expect(await index.lookup('sms', 'sns-0')).toBe('r-0');
    expect(await index.lookup('sms', 'sns-29')).toBe('r-29');
    expect(await index.lookup('sms', 'sns-30')).toBeUndefined();
  });
});
