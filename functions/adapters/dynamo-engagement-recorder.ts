import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EngagementDelta, isEngagement } from '../core/feedback/engagement.js';
import type { EngagementRecorder } from '../core/feedback/ports.js';
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
}
