import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInboxSender } from '../../functions/adapters/dynamo-inbox-sender.js';
import { DynamoInboxStore } from '../../functions/adapters/dynamo-inbox-store.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { harness, reachableCustomer, testTemplate } from '../support/orchestrator-harness.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-11-24T12:00:00.000Z');
const RETENTION_DAYS = 90;

let local: LocalTables;
beforeAll(async () => {
  local = await localTables('inbox-retention');
});
afterAll(() => local.client.destroy());

/** The real orchestrator sending in-app only, into the inbox table on DynamoDB Local. */
async function sendInApp(requestId: string, customerId: string, createdAt: Date) {
  const h = harness({ customers: [reachableCustomer(customerId)], templates: [testTemplate({ channels: ['in_app'] })], now: NOW.toISOString() });
  h.deps.senders = { in_app: new DynamoInboxSender(local.doc, { tableName: local.tables.inbox, retentionDays: RETENTION_DAYS }) };
  const [outcome] = await h.run([{ requestId, customerId, template: 'test-offer', data: { item: 'boots' }, createdAt: createdAt.toISOString() }]);
  return outcome;
}

describe('an in-app message whose request was created long before it was sent', () => {
  const store = () => new DynamoInboxStore(local.doc, { tableName: local.tables.inbox });
  const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

  it('is in the inbox from the send for the whole retention, and gone after it', async () => {
    const createdAt = new Date(NOW.getTime() - 120 * DAY_MS);
    expect(await sendInApp('r-redriven', 'c-redriven', createdAt)).toMatchObject({ status: 'SENT', channels: ['in_app'] });

    const listed = (at: Date) => store().list('c-redriven', { limit: 10 }, at);
    expect((await listed(NOW)).items.map((item) => item.requestId)).toEqual(['r-redriven']);
    expect(await store().unreadCount('c-redriven', NOW)).toBe(1);
    expect((await listed(later(RETENTION_DAYS - 1))).items).toHaveLength(1);
    expect((await listed(later(RETENTION_DAYS + 1))).items).toEqual([]);
  });

  it('keeps the entry keyed by the request’s own time, so a redelivery lands on the same entry', async () => {
    const createdAt = new Date(NOW.getTime() - 3 * DAY_MS);
    await sendInApp('r-again', 'c-again', createdAt);
    await sendInApp('r-again', 'c-again', createdAt);
    const { items } = await store().list('c-again', { limit: 10 }, NOW);
    expect(items.map((item) => item.sk)).toEqual([`${createdAt.toISOString()}#r-again`]);
  });
});
