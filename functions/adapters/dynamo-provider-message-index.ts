import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderMessageIndex, ProviderMessageRecorder } from '../core/feedback/ports.js';
import type { Channel } from '../core/model.js';
import { toSwitchboardError } from './aws-errors.js';

const DAY_MS = 86_400_000;

/**
 * The key of the small item that maps a provider's message id to our request. It lives in the
 * deliveries table: `#` never occurs in a requestId, so it cannot collide with a record, and
 * having no `customerId` it stays out of the byCustomer index.
 */
export function providerMessageKey(channel: Channel, providerMessageId: string): string {
  return `provider#${channel}#${providerMessageId}`;
}

/**
 * SNS SMS delivery logs name only SNS's message id. The SMS attempt's writer calls `remember`; the
 * feedback loop calls `lookup`. A strongly consistent GetItem, so a status that arrives a second
 * after the send still finds its request (a GSI would be eventually consistent).
 */
export class DynamoProviderMessageIndex implements ProviderMessageIndex, ProviderMessageRecorder {
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string; retentionDays?: number },
  ) {
    this.retentionMs = (options.retentionDays ?? 400) * DAY_MS;
  }

  async lookup(channel: Channel, providerMessageId: string): Promise<string | undefined> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.options.tableName, Key: { requestId: providerMessageKey(channel, providerMessageId) }, ConsistentRead: true }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries GetItem (provider message)')));
    const target = output.Item?.target;
    return typeof target === 'string' ? target : undefined;
  }

  async remember(channel: Channel, providerMessageId: string, requestId: string, at: Date): Promise<void> {
    await this.client
      .send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            requestId: providerMessageKey(channel, providerMessageId),
            kind: 'provider-message',
            target: requestId,
            createdAt: at.toISOString(),
            expiresAtEpoch: Math.floor((at.getTime() + this.retentionMs) / 1000),
          },
        }),
      )
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries PutItem (provider message)')));
  }
}
