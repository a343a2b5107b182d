import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EngagementDelta, isEngagement } from '../core/feedback/engagement.js';
import type { EngagementRecorder, EngagementShape } from '../core/feedback/ports.js';
import type { Channel } from '../core/model.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { engagementAdd, ensureEngagementMaps, isMissingMapError, touchLastEngaged } from './dynamo-engagement.js';

/**
 * Adds to a customer's engagement counters with one attribute-level `ADD`, so concurrent writers
 * (other Lambdas, upstream profile syncs) never overwrite each other. An unknown customer is left
 * alone rather than created.
 */
export class DynamoEngagementRecorder implements EngagementRecorder {
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
