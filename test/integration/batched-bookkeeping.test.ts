import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
      { customerId, channel: 'push' },
      { customerId, channel: 'in_app' },
    ]);
    counts.push({ customerId: 'known-0', channel: 'push' });
    expect(await commandsSentBy(() => recorder.recordDelivered(counts, at))).toEqual(['BatchExecuteStatementCommand', 'BatchExecuteStatementCommand']);
    expect(await engagementOf('known-0')).toEqual({ push: { delivered: 6, opened: 1 }, in_app: { delivered: 2 } });
    expect(await engagementOf('known-29')).toEqual({ push: { delivered: 5, opened: 1 }, in_app: { delivered: 2 } });
  });

  it('writes what an item lacks in one more PartiQL request, from the items the failed conditions return, and never creates a customer', async () => {
    await put([
      { customerId: 'fresh' },
      { customerId: 'other-channel', engagement: { email: { delivered: 2 } } },
      { customerId: 'opened-only', engagement: { push: { opened: 1 } } },
      { customerId: 'mixed', engagement: { push: { delivered: 3 } } },
      { customerId: 'counted', engagement: { push: { delivered: 7 } } },
    ]);
    const recorder = new DynamoEngagementRecorder(local.doc, { tableName: local.tables.customers });
    const counts: DeliveredCount[] = [
      { customerId: 'fresh', channel: 'push' },
      { customerId: 'fresh', channel: 'in_app' },
      { customerId: 'other-channel', channel: 'in_app' },
      { customerId: 'opened-only', channel: 'push' },
      { customerId: 'opened-only', channel: 'push' },
      { customerId: 'mixed', channel: 'push' },
      { customerId: 'mixed', channel: 'in_app' },
      { customerId: 'counted', channel: 'push' },
      { customerId: 'nobody', channel: 'push' },
    ];
    expect(await commandsSentBy(() => recorder.recordDelivered(counts, at))).toEqual(['BatchExecuteStatementCommand', 'BatchExecuteStatementCommand']);
    expect(await engagementOf('fresh')).toEqual({ push: { delivered: 1 }, in_app: { delivered: 1 } });
    expect(await engagementOf('other-channel')).toEqual({ email: { delivered: 2 }, in_app: { delivered: 1 } });
    expect(await engagementOf('opened-only')).toEqual({ push: { opened: 1, delivered: 2 } });
    expect(await engagementOf('mixed')).toEqual({ push: { delivered: 4 }, in_app: { delivered: 1 } });
    expect(await engagementOf('counted')).toEqual({ push: { delivered: 8 } });
    expect(await engagementOf('nobody')).toBe('absent');
  });

  it('counts once through the general path when the item changes again between the two requests', async () => {
    await put([{ customerId: 'raced' }]);
    const recorder = new DynamoEngagementRecorder(local.doc, { tableName: local.tables.customers });
    const send = local.doc.send.bind(local.doc);
    const sent: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- stands in for the promise form of send, the only one the recorder uses.
    const spy = vi.spyOn(local.doc, 'send').mockImplementation((async (command: Parameters<typeof send>[0]) => {
      sent.push(command.constructor.name);
      const output = await send(command);
      // Another writer creates the engagement map right after the first request found none.
      if (sent.length === 1) {
        await send(
          new UpdateCommand({
            TableName: local.tables.customers,
            Key: { customerId: 'raced' },
            UpdateExpression: 'SET engagement = :e',
            ExpressionAttributeValues: { ':e': { email: { opened: 1 } } },
          }),
        );
      }
      return output;
    }) as typeof local.doc.send);
    try {
      await recorder.recordDelivered([{ customerId: 'raced', channel: 'push' }], at);
    } finally {
      spy.mockRestore();
    }
    expect(sent.slice(0, 2)).toEqual(['BatchExecuteStatementCommand', 'BatchExecuteStatementCommand']);
    expect(sent.slice(2)).toContain('UpdateCommand');
    expect(await engagementOf('raced')).toEqual({ email: { opened: 1 }, push: { delivered: 1 } });
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
