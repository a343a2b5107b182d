import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { RetryableError } from '../core/errors.js';
import type { ProviderMessage, ProviderMessageIndex, ProviderMessageRecorder } from '../core/feedback/ports.js';
import type { Channel } from '../core/model.js';
import { toSwitchboardError } from './aws-errors.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';

const DAY_MS = 86_400_000;
const BATCH_WRITE_LIMIT = 25;
const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1000 };

/**
 * The key of the small item that maps a provider's message id to our request. It lives in the
 * deliveries table: `#` never occurs in a requestId, so it cannot collide with a record, and
 * having no `customerId` it stays out of the byCustomer index.
 */
export function providerMessageKey(channel: Channel, providerMessageId: string): string {
  return `provider#${channel}#${providerMessageId}`;
}

/**
 * SNS SMS delivery logs name only SNS's message id. The orchestrator calls `rememberAll` at the
 * end of each batch, well under a second after the send; the feedback loop calls `lookup`, a
 * strongly consistent GetItem, so a status logged seconds later finds its request (a GSI would
 * be eventually consistent).
 */
export class DynamoProviderMessageIndex implements ProviderMessageIndex, ProviderMessageRecorder {
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string; retentionDays?: number; backoff?: BackoffOptions },
  ) {
    this.retentionMs = (options.retentionDays ?? 400) * DAY_MS;
  }

  async lookup(channel: Channel, providerMessageId: string): Promise<string | undefined> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.options.tableName, Key: { requestId: providerMessageKey(channel, providerMessageId) }, ConsistentRead: true }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries GetItem (provider message)')));
    const target: unknown = output.Item?.target;
    return typeof target === 'string' ? target : undefined;
  }

  async remember(channel: Channel, providerMessageId: string, requestId: string, at: Date): Promise<void> {
    await this.rememberAll([{ channel, providerMessageId, requestId }], at);
  }

  /** Unconditional puts of distinct keys, so BatchWriteItem can carry 25 of them per request. */
  async rememberAll(messages: readonly ProviderMessage[], at: Date): Promise<void> {
    const items = messages.map((m) => this.item(m, at));
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) await this.writeChunk(items.slice(i, i + BATCH_WRITE_LIMIT));
  }

  private item(message: ProviderMessage, at: Date): Record<string, unknown> {
    return {
      requestId: providerMessageKey(message.channel, message.providerMessageId),
      kind: 'provider-message',
      target: message.requestId,
      createdAt: at.toISOString(),
      expiresAtEpoch: Math.floor((at.getTime() + this.retentionMs) / 1000),
    };
  }

  private async writeChunk(items: Record<string, unknown>[]): Promise<void> {
    const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
    const { tableName } = this.options;
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const output = await this.client
        .send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }))
        .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries BatchWriteItem (provider messages)')));
      pending = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
      if (pending.length > 0 && attempt >= backoff.maxAttempts) {
        throw new RetryableError(`deliveries BatchWriteItem left ${pending.length} provider messages unprocessed after ${attempt} attempts`, 'DYNAMO_UNPROCESSED_ITEMS');
      }
      if (pending.length > 0) await (backoff.sleep ?? defaultSleep)(jitteredDelay(attempt - 1, backoff));
    }
  }
}
