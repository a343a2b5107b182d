import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../core/errors.js';
import type { InboxAction } from '../core/feedback/app.js';
import type { InboxMessage, InboxPage, InboxStore } from '../core/feedback/inbox.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

/**
 * The inbox table as the app reads it. The partition key is always the caller's own customer id
 * and a cursor carries only a sort key, so a page, a count or a mark can never cross into
 * another customer's partition.
 */
export class DynamoInboxStore implements InboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {}

  async list(customerId: string, page: { limit: number; cursor?: string }, now: Date): Promise<InboxPage> {
    const output = await this.query('inbox Query', {
      KeyConditionExpression: '#customerId = :customerId',
      FilterExpression: `#status <> :dismissed AND ${LIVE}`,
      ExpressionAttributeNames: { '#customerId': 'customerId', '#status': 'status', '#expires': 'expiresAtEpoch' },
      ExpressionAttributeValues: { ':customerId': customerId, ':dismissed': 'dismissed', ':now': epoch(now) },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(page.cursor ? { ExclusiveStartKey: { customerId, sk: decodeCursor(page.cursor) } } : {}),
    });
    const last: unknown = output.LastEvaluatedKey?.sk;
    return { items: (output.Items ?? []).map(toMessage), ...(typeof last === 'string' ? { cursor: encodeCursor(last) } : {}) };
  }

  /** Reads the whole partition (a COUNT query still reads every item): inboxes are short-lived and small. */
  async unreadCount(customerId: string, now: Date): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.query('inbox Query (unread count)', {
        KeyConditionExpression: '#customerId = :customerId',
        FilterExpression: `#status = :unread AND ${LIVE}`,
        ExpressionAttributeNames: { '#customerId': 'customerId', '#status': 'status', '#expires': 'expiresAtEpoch' },
        ExpressionAttributeValues: { ':customerId': customerId, ':unread': 'unread', ':now': epoch(now) },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      count += output.Count ?? 0;
      start = output.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async find(customerId: string, id: string): Promise<InboxMessage | undefined> {
    if (id.includes('#')) {
      const output = await this.client
        .send(new GetCommand({ TableName: this.options.tableName, Key: { customerId, sk: id }, ConsistentRead: true }))
        .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'inbox GetItem')));
      return output.Item ? toMessage(output.Item) : undefined;
    }
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.query('inbox Query (by request)', {
        KeyConditionExpression: '#customerId = :customerId',
        FilterExpression: '#requestId = :requestId',
        ExpressionAttributeNames: { '#customerId': 'customerId', '#requestId': 'requestId' },
        ExpressionAttributeValues: { ':customerId': customerId, ':requestId': id },
        ScanIndexForward: false,
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      const [item] = output.Items ?? [];
      if (item) return toMessage(item);
      start = output.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  /**
   * Times are set once (`if_not_exists`): the first read stays the read time. A dismissed message
   * stays dismissed when it is read or clicked afterwards, on another device say.
   */
  async mark(customerId: string, sk: string, action: InboxAction, at: Date): Promise<InboxMessage | undefined> {
    const iso = at.toISOString();
    if (action === 'dismissed')
      return this.update(
        customerId,
        sk,
        'SET #status = :dismissed, #dismissedAt = if_not_exists(#dismissedAt, :at)',
        { '#dismissedAt': 'dismissedAt' },
        { ':dismissed': 'dismissed', ':at': iso },
      );
    const times = action === 'clicked' ? '#readAt = if_not_exists(#readAt, :at), #clickedAt = if_not_exists(#clickedAt, :at)' : '#readAt = if_not_exists(#readAt, :at)';
    const names = { '#readAt': 'readAt', ...(action === 'clicked' ? { '#clickedAt': 'clickedAt' } : {}) };
    const read = await this.update(customerId, sk, `SET ${times}, #status = :read`, names, { ':at': iso, ':read': 'read', ':dismissed': 'dismissed' }, '#status <> :dismissed');
    return read ?? this.update(customerId, sk, `SET ${times}`, names, { ':at': iso });
  }

  private async update(
    customerId: string,
    sk: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    condition?: string,
  ): Promise<InboxMessage | undefined> {
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { customerId, sk },
          UpdateExpression: expression,
          ConditionExpression: ['attribute_exists(#sk)', ...(condition ? [condition] : [])].join(' AND '),
          ExpressionAttributeNames: { ...names, '#sk': 'sk', ...(expression.includes('#status') || condition ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return output.Attributes ? toMessage(output.Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw toSwitchboardError(error, 'inbox UpdateItem');
    }
  }

  private async query(operation: string, input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    return this.client.send(new QueryCommand({ TableName: this.options.tableName, ...input })).catch((error: unknown) => Promise.reject(toSwitchboardError(error, operation)));
  }
}

/** DynamoDB deletes expired items up to days late; they must not show meanwhile. */
const LIVE = '(attribute_not_exists(#expires) OR #expires > :now)';

function epoch(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

function toMessage(item: Record<string, unknown>): InboxMessage {
  const text = (key: string) => (typeof item[key] === 'string' ? { [key]: item[key] } : {});
  const action = item.action as { label?: unknown; url?: unknown } | undefined;
  return {
    sk: String(item.sk),
    requestId: String(item.requestId),
    title: String(item.title ?? ''),
    body: String(item.body ?? ''),
    status: item.status === 'read' || item.status === 'dismissed' ? item.status : 'unread',
    createdAt: String(item.createdAt ?? ''),
    ...text('template'),
    ...text('topic'),
    ...text('readAt'),
    ...text('clickedAt'),
    ...text('dismissedAt'),
    ...(typeof action?.label === 'string' && typeof action.url === 'string' ? { action: { label: action.label, url: action.url } } : {}),
  };
}

function encodeCursor(sk: string): string {
  return Buffer.from(sk, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[^#]+#.+$/.test(sk)) throw new PermanentError('invalid inbox cursor', 'INVALID_CURSOR');
  return sk;
}
