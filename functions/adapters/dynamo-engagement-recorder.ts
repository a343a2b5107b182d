import { BatchExecuteStatementCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EngagementDelta, isEngagement } from '../core/feedback/engagement.js';
import type { DeliveredCount, DeliveredRecorder, EngagementRecorder } from '../core/feedback/ports.js';
import type { Channel } from '../core/model.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { engagementAdd, ensureEngagementMaps, isMissingMapError, touchLastEngaged } from './dynamo-engagement.js';

const PARTIQL_BATCH_LIMIT = 25;
/** An item that changed again before the request written for what it held takes the general path instead. */
const LAID_OUT_ROUNDS = 2;

/**
 * What a customer's item holds for each channel counted: a `delivered` counter, a channel map
 * without one, or no channel map; or no engagement map at all. `counters`, the usual case, is
 * what the first request assumes of every channel.
 */
type Place = 'counter' | 'no-counter' | 'no-channel';
type Layout = 'counters' | 'no-engagement' | Map<Channel, Place>;

interface CustomerCounts {
  customerId: string;
  channels: Map<Channel, number>;
  layout: Layout;
}

/**
 * Adds to a customer's engagement counters with one attribute-level `ADD`, so concurrent writers
 * (other Lambdas, upstream profile syncs) never overwrite each other. An unknown customer is left
 * alone rather than created.
 */
export class DynamoEngagementRecorder implements EngagementRecorder, DeliveredRecorder {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {}

  async record(customerId: string, channel: Channel, delta: EngagementDelta, at: Date): Promise<void> {
    const { tableName } = this.options;
    if (isEngagement(delta)) await touchLastEngaged(this.client, tableName, customerId, channel, at.toISOString());
    const add = engagementAdd(channel, delta);
    if (!add.expression) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { customerId },
            UpdateExpression: add.expression,
            ConditionExpression: 'attribute_exists(#customerId)',
            ExpressionAttributeNames: { ...add.names, '#customerId': 'customerId' },
            ExpressionAttributeValues: add.values,
          }),
        );
        return;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return;
        if (attempt > 0 || !isMissingMapError(error)) throw toSwitchboardError(error, 'customers UpdateItem (engagement)');
        if ((await ensureEngagementMaps(this.client, tableName, customerId, channel)) === 'no_customer') return;
      }
    }
  }

  /**
   * A batch's delivered counts as PartiQL updates, 25 per request, one statement per customer.
   * The first request assumes what nearly every item holds, a `delivered` counter on each channel
   * counted. An item that differs fails its condition and comes back whole (`ALL_OLD`), so the
   * next request writes exactly what it lacks, each part on condition that it is still missing.
   * A customer that does not exist is left alone; one whose item keeps changing meanwhile, or
   * whose statement fails for another reason, takes the general path above.
   */
  async recordDelivered(counts: readonly DeliveredCount[], at: Date): Promise<void> {
    let pending: CustomerCounts[] = [...countsPerCustomer(counts)].map(([customerId, channels]) => ({ customerId, channels, layout: 'counters' }));
    const general: CustomerCounts[] = [];
    for (let round = 0; round < LAID_OUT_ROUNDS && pending.length > 0; round++) {
      const retry: CustomerCounts[] = [];
      for (let i = 0; i < pending.length; i += PARTIQL_BATCH_LIMIT) {
        const chunk = pending.slice(i, i + PARTIQL_BATCH_LIMIT);
        const output = await this.client
          .send(new BatchExecuteStatementCommand({ Statements: chunk.map((entry) => this.statement(entry)) }))
          .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers BatchExecuteStatement (delivered)')));
        chunk.forEach((entry, index) => {
          const response = output.Responses?.[index];
          if (response && !response.Error) return;
          if (response?.Error?.Code !== 'ConditionalCheckFailed') general.push(entry);
          // No item: no such customer, and counting must never create one.
          else if (response.Error.Item) retry.push({ ...entry, layout: layoutFor(response.Error.Item, entry.channels) });
        });
      }
      pending = retry;
    }
    for (const { customerId, channels } of [...pending, ...general]) {
      for (const [channel, count] of channels) await this.record(customerId, channel, { delivered: count }, at);
    }
  }

  private statement({ customerId, channels, layout }: CustomerCounts): { Statement: string; Parameters: unknown[]; ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } {
    const table = `UPDATE "${this.options.tableName}"`;
    const exists = 'WHERE "customerId" = ? AND "customerId" IS NOT MISSING';
    const returning = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
    if (layout === 'no-engagement') {
      const engagement = Object.fromEntries([...channels].map(([channel, count]) => [channel, { delivered: count }]));
      return { Statement: `${table} SET "engagement" = ? ${exists} AND "engagement" IS MISSING`, Parameters: [engagement, customerId], ...returning };
    }
    const sets: string[] = [];
    const conditions: string[] = ['"engagement" IS NOT MISSING'];
    const values: unknown[] = [];
    for (const [channel, count] of channels) {
      const map = `"engagement"."${channel}"`;
      const place = layout === 'counters' ? 'counter' : (layout.get(channel) ?? 'counter');
      if (place === 'counter') {
        sets.push(`SET ${map}."delivered" = ${map}."delivered" + ?`);
        conditions.push(`${map}."delivered" IS NOT MISSING`);
        values.push(count);
      } else if (place === 'no-counter') {
        sets.push(`SET ${map}."delivered" = ?`);
        conditions.push(`${map} IS NOT MISSING`, `${map}."delivered" IS MISSING`);
        values.push(count);
      } else {
        sets.push(`SET ${map} = ?`);
        conditions.push(`${map} IS MISSING`);
        values.push({ delivered: count });
      }
    }
    return { Statement: `${table} ${sets.join(' ')} ${exists} AND ${conditions.join(' AND ')}`, Parameters: [...values, customerId], ...returning };
  }
}

function countsPerCustomer(counts: readonly DeliveredCount[]): Map<string, Map<Channel, number>> {
  const perCustomer = new Map<string, Map<Channel, number>>();
  for (const { customerId, channel } of counts) {
    const channels = perCustomer.get(customerId) ?? new Map<Channel, number>();
    channels.set(channel, (channels.get(channel) ?? 0) + 1);
    perCustomer.set(customerId, channels);
  }
  return perCustomer;
}

/** The layout of the item a failed condition returned (unmarshalled by the document client). */
function layoutFor(item: Record<string, unknown>, channels: Map<Channel, number>): Layout {
  if (item.engagement === undefined) return 'no-engagement';
  const engagement = asMap(item.engagement);
  const layout = new Map<Channel, Place>();
  for (const channel of channels.keys()) {
    const counters = engagement[channel];
    if (counters === undefined) layout.set(channel, 'no-channel');
    else layout.set(channel, asMap(counters).delivered === undefined ? 'no-counter' : 'counter');
  }
  return layout;
}

function asMap(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
