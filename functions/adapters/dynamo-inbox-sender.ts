import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelSender, OutboundMessage, SendResult } from '../core/ports.js';
import { describeAwsError, isConditionalCheckFailed, safeMessage } from './aws-errors.js';

export interface DynamoInboxSenderOptions {
  tableName: string;
  /** Days an inbox message is kept (DynamoDB TTL); default 90. */
  retentionDays?: number;
}

const DAY_MS = 86_400_000;

/** In-app messages land in our own inbox table; the app reads them through the inbox API. */
export class DynamoInboxSender implements ChannelSender<'in_app'> {
  readonly channel = 'in_app' as const;
  private readonly tableName: string;
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoInboxSenderOptions,
  ) {
    this.tableName = options.tableName;
    this.retentionMs = (options.retentionDays ?? 90) * DAY_MS;
  }

  /**
   * The key comes from the request's time, so a redelivery finds the entry it wrote; retention
   * counts from the send, so a request that waited (a DLQ redrive, an old `createdAt`) is still
   * in the inbox for the full retention after it is recorded SENT.
   */
  async send(message: OutboundMessage<'in_app'>): Promise<SendResult> {
    const createdAt = message.at.toISOString();
    const sk = inboxSortKey(message.at, message.requestId);
    const sentAt = message.sentAt ?? message.at;
    const { title, body, action } = message.content;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            customerId: message.customerId,
            sk,
            requestId: message.requestId,
            template: message.template,
            category: message.category,
            topic: message.topic,
            title,
            body,
            ...(action ? { action: { label: action.label, url: action.url } } : {}),
            status: 'unread',
            createdAt,
            expiresAtEpoch: Math.floor((sentAt.getTime() + this.retentionMs) / 1000),
          },
          // A repeated write of the same message is a success, not a second inbox entry.
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': 'sk' },
        }),
      );
      return { outcome: 'SENT', providerMessageId: sk };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { outcome: 'SENT', providerMessageId: sk };
      const facts = describeAwsError(error);
      return facts.retryable
        ? { outcome: 'FAILED_RETRYABLE', code: 'INBOX_UNAVAILABLE', message: safeMessage(facts) }
        : { outcome: 'FAILED_PERMANENT', code: 'INBOX_WRITE_FAILED', message: safeMessage(facts) };
    }
  }
}

/** Newest first in a descending query: the ISO time sorts as a string, the requestId keeps it unique. */
export function inboxSortKey(at: Date, requestId: string): string {
  return `${at.toISOString()}#${requestId}`;
}
