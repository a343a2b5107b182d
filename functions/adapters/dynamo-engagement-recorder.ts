import { BatchExecuteStatementCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EngagementDelta, isEngagement } from '../core/feedback/engagement.js';
import type { DeliveredCount, DeliveredRecorder, EngagementRecorder, EngagementShape } from '../core/feedback/ports.js';
import type { Channel } from '../core/model.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { engagementAdd, ensureEngagementMaps, isMissingMapError, touchLastEngaged } from './dynamo-engagement.js';

const PARTIQL_BATCH_LIMIT = 25;

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

  async record(customerId: string, channel: Channel, delta: EngagementDelta, at: Date, shape: EngagementShape = 'channel'): Promise<void> {
    const { tableName } = this.options;
    if (isEngagement(delta)) await touchLastEngaged(this.client, tableName, customerId, channel, at.toISOString());
    const add = engagementAdd(channel, delta);
    if (!add.expression) return;
    // A customer's first counts on a channel create the maps in the same single write.
    if (shape !== 'channel' && (await this.createMaps(customerId, channel, delta, shape)) === 'written') return;
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
   * A batch's delivered counts as PartiQL updates, 25 per request, one statement per customer,
   * shaped by what the batch read of the customer. Its conditions hold it to that shape; a
   * statement that finds the item changed meanwhile (or no counter yet under an existing channel
   * map) takes the general path above instead.
   */
  async recordDelivered(counts: readonly DeliveredCount[], at: Date): Promise<void> {
    const perCustomer = new Map<string, Map<Channel, { count: number; shape: EngagementShape }>>();
    for (const { customerId, channel, shape } of counts) {
      const channels = perCustomer.get(customerId) ?? new Map();
      const entry = channels.get(channel) ?? { count: 0, shape };
      entry.count++;
      channels.set(channel, entry);
      perCustomer.set(customerId, channels);
    }
    const batched = [...perCustomer];
    const failed = new Set<string>();
    for (let i = 0; i < batched.length; i += PARTIQL_BATCH_LIMIT) {
      const chunk = batched.slice(i, i + PARTIQL_BATCH_LIMIT);
      const output = await this.client
        .send(new BatchExecuteStatementCommand({ Statements: chunk.map(([customerId, channels]) => this.addStatement(customerId, channels)) }))
        .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers BatchExecuteStatement (delivered)')));
      chunk.forEach(([customerId], index) => {
        if (output.Responses?.[index]?.Error || !output.Responses?.[index]) failed.add(customerId);
      });
    }
    for (const customerId of failed) {
      for (const [channel, { count, shape }] of perCustomer.get(customerId) ?? []) {
        await this.record(customerId, channel, { delivered: count }, at, shape);
      }
    }
  }

  private addStatement(customerId: string, channels: Map<Channel, { count: number; shape: EngagementShape }>): { Statement: string; Parameters: unknown[] } {
    const table = `UPDATE "${this.options.tableName}"`;
    const exists = 'WHERE "customerId" = ? AND "customerId" IS NOT MISSING';
    const entries = [...channels];
    // The shape is the customer's: `none` for one channel means no engagement map at all.
    if (entries.some(([, c]) => c.shape === 'none')) {
      const engagement = Object.fromEntries(entries.map(([channel, c]) => [channel, { delivered: c.count }]));
      return { Statement: `${table} SET "engagement" = ? ${exists} AND "engagement" IS MISSING`, Parameters: [engagement, customerId] };
    }
    const sets: string[] = [];
    const conditions: string[] = ['"engagement" IS NOT MISSING'];
    const values: unknown[] = [];
    for (const [channel, { count, shape }] of entries) {
      const map = `"engagement"."${channel}"`;
      if (shape === 'channel') {
        sets.push(`SET ${map}."delivered" = ${map}."delivered" + ?`);
        conditions.push(`${map}."delivered" IS NOT MISSING`);
        values.push(count);
      } else {
        sets.push(`SET ${map} = ?`);
        conditions.push(`${map} IS MISSING`);
        values.push({ delivered: count });
      }
    }
    return { Statement: `${table} ${sets.join(' ')} ${exists} AND ${conditions.join(' AND ')}`, Parameters: [...values, customerId] };
  }

  /** `written`, or `changed` when a concurrent writer (or a missing customer) means the general path must decide. */
  private async createMaps(customerId: string, channel: Channel, delta: EngagementDelta, shape: Exclude<EngagementShape, 'channel'>): Promise<'written' | 'changed'> {
    const counts = Object.fromEntries(Object.entries(delta).filter(([, amount]) => typeof amount === 'number' && amount !== 0 && Number.isFinite(amount)));
    const names: Record<string, string> = { '#customerId': 'customerId', '#engagement': 'engagement' };
    const update =
      shape === 'none'
        ? { expression: 'SET #engagement = :value', condition: 'attribute_exists(#customerId) AND attribute_not_exists(#engagement)', value: { [channel]: counts } }
        : {
            expression: 'SET #engagement.#channel = :value',
            condition: 'attribute_exists(#customerId) AND attribute_exists(#engagement) AND attribute_not_exists(#engagement.#channel)',
            value: counts,
          };
    if (shape === 'engagement') names['#channel'] = channel;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { customerId },
          UpdateExpression: update.expression,
          ConditionExpression: update.condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':value': update.value },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'changed';
      throw toSwitchboardError(error, 'customers UpdateItem (engagement maps)');
    }
  }
}
