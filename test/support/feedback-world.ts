import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../../functions/adapters/dynamo-suppression-writer.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import type { FeedbackDeps } from '../../functions/core/feedback/apply.js';
import type { FeedbackTelemetry, FeedbackTelemetryEvent } from '../../functions/core/feedback/ports.js';
import type { Channel, Customer, DeliveryRecord } from '../../functions/core/model.js';
import { type LocalTables, localTables } from './local-aws.js';

export class CollectingFeedbackTelemetry implements FeedbackTelemetry {
  readonly events: FeedbackTelemetryEvent[] = [];
  record(event: FeedbackTelemetryEvent): void {
    this.events.push(event);
  }
}

export const SENT_AT = new Date('2026-11-24T12:00:00.000Z');

/** Real tables on DynamoDB Local, the real feedback adapters, and helpers to seed what the orchestrator would have written. */
export async function feedbackWorld(label: string) {
  const local: LocalTables = await localTables(label);
  const telemetry = new CollectingFeedbackTelemetry();
  let now = new Date('2026-11-24T16:00:00.000Z');
  const deliveries = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const index = new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries });
  const deps: FeedbackDeps = {
    store: new DynamoFeedbackStore(local.doc, {
      deliveriesTable: local.tables.deliveries,
      customersTable: local.tables.customers,
      halfLifeDays: defaultDecisionConfig.learning.halfLifeDays,
    }),
    index,
    customers: new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers }),
    suppressions: new DynamoSuppressionWriter(local.doc, { tableName: local.tables.customers }),
    telemetry,
    clock: { now: () => now },
  };
  return {
    local,
    deps,
    telemetry,
    index,
    deliveries,
    setNow(at: Date) {
      now = at;
    },
    async putCustomer(customer: Customer): Promise<void> {
      await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: customer }));
    },
    async customer(customerId: string): Promise<Customer | undefined> {
      const output = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }));
      return output.Item as Customer | undefined;
    },
    async delivery(requestId: string): Promise<DeliveryRecord & { seenEvents?: Set<string>; countedEngagement?: Set<string> }> {
      const output = await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }));
      if (!output.Item) throw new Error(`no delivery ${requestId}`);
      return output.Item as DeliveryRecord & { seenEvents?: Set<string> };
    },
    /** Claims and finishes a request the way the orchestrator does, sent on `channel`. */
    async sent(requestId: string, customerId: string, channel: Channel, extra: Partial<DeliveryRecord> = {}): Promise<void> {
      await deliveries.claim({ requestId, customerId, template: 'cart-reminder', createdAt: SENT_AT.toISOString(), now: SENT_AT, leaseMs: 60_000 });
      const at = SENT_AT.toISOString();
      await deliveries.finish({
        requestId,
        customerId,
        template: 'cart-reminder',
        category: 'marketing',
        topic: 'promotions',
        strategy: 'failover',
        status: 'SENT',
        channel,
        attempts: [{ channel, at, outcome: 'SENT', providerMessageId: `${channel}-provider-id` }],
        decision: { ranked: [], excluded: [] },
        timeline: [{ status: 'SENT', at, channel }],
        createdAt: at,
        updatedAt: at,
        ...extra,
      });
    },
    destroy: () => local.client.destroy(),
  };
}
export type FeedbackWorld = Awaited<ReturnType<typeof feedbackWorld>>;
