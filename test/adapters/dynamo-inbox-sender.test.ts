import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { DynamoInboxSender } from '../../functions/adapters/dynamo-inbox-sender.js';
import { awsError } from '../support/aws-errors.js';

const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-central-1' }));
const ddb = mockClient(doc);
const sender = new DynamoInboxSender(doc, { tableName: 'inbox', retentionDays: 10 });
const AT = new Date('2026-11-24T10:00:00.000Z');
const message = {
  requestId: 'r-1',
  customerId: 'c-1',
  template: 'back-in-stock',
  category: 'transactional' as const,
  topic: 'order-updates',
  at: AT,
  content: { title: 'Back in stock', body: 'Your size is back.' },
};

beforeEach(() => ddb.reset());

describe('DynamoInboxSender', () => {
  it('puts an unread message keyed by time and requestId, only if it is not there yet', async () => {
    ddb.on(PutCommand).resolves({});
    expect(await sender.send(message)).toEqual({ outcome: 'SENT', providerMessageId: '2026-11-24T10:00:00.000Z#r-1' });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'inbox',
      Item: {
        customerId: 'c-1',
        sk: '2026-11-24T10:00:00.000Z#r-1',
        requestId: 'r-1',
        template: 'back-in-stock',
        category: 'transactional',
        topic: 'order-updates',
        title: 'Back in stock',
        body: 'Your size is back.',
        status: 'unread',
        createdAt: '2026-11-24T10:00:00.000Z',
        expiresAtEpoch: AT.getTime() / 1000 + 10 * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(#sk)',
      ExpressionAttributeNames: { '#sk': 'sk' },
    });
  });

  it('keys an old request by its own time but keeps it for the full retention from the send', async () => {
    ddb.on(PutCommand).resolves({});
    const createdAt = new Date('2026-07-01T08:00:00.000Z');
    const sentAt = new Date('2026-11-24T10:00:00.000Z');
    expect(await sender.send({ ...message, at: createdAt, sentAt })).toEqual({ outcome: 'SENT', providerMessageId: '2026-07-01T08:00:00.000Z#r-1' });
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ sk: '2026-07-01T08:00:00.000Z#r-1', createdAt: '2026-07-01T08:00:00.000Z' });
    expect(item?.expiresAtEpoch).toBe(sentAt.getTime() / 1000 + 10 * 86_400);
  });

  it('answers SENT for a message already in the inbox, and maps other failures to results', async () => {
    ddb
      .on(PutCommand)
      .rejectsOnce(awsError('ConditionalCheckFailedException'))
      .rejectsOnce(awsError('ProvisionedThroughputExceededException'))
      .rejectsOnce(awsError('AccessDeniedException'));
    expect((await sender.send(message)).outcome).toBe('SENT');
    expect(await sender.send(message)).toMatchObject({ outcome: 'FAILED_RETRYABLE', code: 'INBOX_UNAVAILABLE' });
    expect(await sender.send(message)).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'INBOX_WRITE_FAILED' });
  });
});
