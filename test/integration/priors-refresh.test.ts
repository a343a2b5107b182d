import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliverySample } from '../../functions/adapters/dynamo-delivery-sample.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoPriorsStore } from '../../functions/adapters/dynamo-priors-store.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import type { Channel, DeliveryRecord } from '../../functions/core/model.js';
import { LEARNED_PRIORS_KEY } from '../../functions/definitions/tables.js';
import type { PriorsRefreshSummary } from '../../functions/priors-refresh/create-handler.js';
import { handlerTables, type LocalTables, localTables } from '../support/local-aws.js';

let local: LocalTables;
let handler: (event: unknown, context: Context) => Promise<PriorsRefreshSummary>;
/** The refresher runs on the real clock: the records are made a few minutes before it. */
const NOW = Date.now();
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
const context = { functionName: 'switchboard-priors-refresh', awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

beforeAll(async () => {
  local = await handlerTables('priors');
  ({ handler } = await import('../../functions/priors-refresh/handler.js'));
});
afterAll(() => local.client.destroy());

let sequence = 0;
/** A record sent on `channel` in the app, opened or not; `createdAt` a few minutes ago unless said. */
function sent(channel: Channel, opened: boolean, createdAt = minutesAgo(10)): DeliveryRecord {
  const at = createdAt;
  return {
    requestId: `r-priors-${++sequence}`,
    customerId: `c-${sequence % 7}`,
    template: 'cart-reminder',
    status: opened ? 'OPENED' : 'DELIVERED',
    channel,
    attempts: [{ channel, at, outcome: 'SENT', providerMessageId: `m-${sequence}` }],
    decision: { ranked: [], excluded: [], moment: 'app' },
    timeline: [{ status: 'SENT', at, channel }, ...(opened ? [{ status: 'OPENED' as const, at, channel }] : [])],
    createdAt,
    updatedAt: at,
  };
}

async function put(records: DeliveryRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 25) {
    const chunk = records.slice(i, i + 25);
    await local.doc.send(new BatchWriteCommand({ RequestItems: { [local.tables.deliveries]: chunk.map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

/** The configured prior moved by `engaged` of `delivered` fresh messages, as the refresher learns it. */
function expectedRate(channel: Channel, engaged: number, delivered: number): number {
  const { rate, strength } = defaultDecisionConfig.priors[channel];
  return (engaged + rate * strength) / (delivered + strength);
}

describe('the priors refresher on DynamoDB Local', () => {
  it('learns the rates from the delivery records and stores them where the orchestrator reads them', async () => {
    const push = Array.from({ length: 20 }, (_, i) => sent('push', i < 12));
    const email = Array.from({ length: 10 }, (_, i) => sent('email', i < 1));
    const neverSent: DeliveryRecord = { ...sent('sms', false), status: 'SUPPRESSED', attempts: [], timeline: [] };
    // Older than four half-lives: outside the window, never counted.
    const stale = Array.from({ length: 5 }, () => sent('sms', true, new Date(NOW - 200 * 86_400_000).toISOString()));
    await put([...push, ...email, neverSent, ...stale]);
    // A frequency counter beside the priors, which the refresh must leave alone.
    const counter = new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters });
    await counter.tryConsume({ customerId: 'c-1', channel: 'push', category: 'marketing', now: new Date(NOW), limits: { perDay: 1 } });

    const summary = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context);
    expect(summary).toMatchObject({ observations: 30, read: 36, complete: true });

    const priors = await new DynamoPriorsStore(local.doc, { tableName: local.tables.counters }).current();
    expect(priors?.learnedAt).toBe(summary.learnedAt);
    expect(Object.keys(priors?.channels ?? {}).sort()).toEqual(['email', 'push']);
    expect(priors?.channels.push?.rate).toBeCloseTo(expectedRate('push', 12, 20), 3);
    expect(priors?.channels.email?.rate).toBeCloseTo(expectedRate('email', 1, 10), 3);
    // Twenty messages in the app, minutes old: faded by next to nothing.
    expect(priors?.channels.push?.moments.app?.weight).toBeGreaterThan(19.9);
    expect(priors?.channels.push?.moments.app?.weight).toBeLessThanOrEqual(20);
    // The counter is untouched: the same slot is refused, as the cap of one was already taken.
    expect(await counter.tryConsume({ customerId: 'c-1', channel: 'push', category: 'marketing', now: new Date(NOW), limits: { perDay: 1 } })).toEqual({ allowed: false });
  });

  it('reads at most the items it is allowed, only the attributes learning needs, and says when it stopped short', async () => {
    const sample = new DynamoDeliverySample(local.doc, { tableName: local.tables.deliveries });
    const items: Record<string, unknown>[] = [];
    const summary = await sample.read(new Date(NOW - 86_400_000), 7, (item) => items.push(item));
    expect(summary).toEqual({ read: 7, complete: false });
    expect(items.length).toBeLessThanOrEqual(7);
    for (const item of items) {
      expect(Object.keys(item).every((key) => ['createdAt', 'attempts', 'timeline', 'status', 'decision'].includes(key))).toBe(true);
      expect(Object.keys(item.decision as object)).toEqual(['moment']);
    }
  });

  it('reads a missing or broken item as no learned priors', async () => {
    const store = new DynamoPriorsStore(local.doc, { tableName: local.tables.counters });
    await local.doc.send(new PutCommand({ TableName: local.tables.counters, Item: { counterKey: LEARNED_PRIORS_KEY, priors: { learnedAt: 'yesterday', channels: 7 } } }));
    expect(await store.current()).toBeUndefined();
    const elsewhere = await localTables('priors-empty');
    try {
      expect(await new DynamoPriorsStore(elsewhere.doc, { tableName: elsewhere.tables.counters }).current()).toBeUndefined();
    } finally {
      elsewhere.client.destroy();
    }
  });
});
