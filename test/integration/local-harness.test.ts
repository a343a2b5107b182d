import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localDynamoDbClient, localSqsClient } from '../../functions/local/clients.js';
import { createQueues, createTables } from '../../functions/local/provision.js';
import { requestsQueue } from '../../functions/definitions/tables.js';

const dynamo = localDynamoDbClient(inject('dynamoDbEndpoint'));
const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
afterAll(() => {
  dynamo.destroy();
  sqs.destroy();
});

describe('provisioning the local emulators from the shared definitions', () => {
  it('creates every table with its keys, the history index and TTL, and tolerates running twice', async () => {
    const prefix = `prov-${randomUUID().slice(0, 8)}-`;
    const names = await createTables(dynamo, prefix);
    expect(await createTables(dynamo, prefix)).toEqual(names);
    expect(names).toEqual({ customers: `${prefix}customers`, deliveries: `${prefix}deliveries`, inbox: `${prefix}inbox`, counters: `${prefix}counters` });

    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: names.deliveries }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'requestId', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byCustomer',
      KeySchema: [
        { AttributeName: 'customerId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
    const inbox = await dynamo.send(new DescribeTableCommand({ TableName: names.inbox }));
    expect(inbox.Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['customerId', 'sk']);
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: names.counters }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAtEpoch', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates the requests queue whose messages move to the dead-letter queue after maxReceiveCount receives', async () => {
    const queues = await createQueues(sqs, `prov-${randomUUID().slice(0, 8)}-`);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.requests.url, AttributeNames: ['All'] }));
    expect(attributes.Attributes?.VisibilityTimeout).toBe(String(requestsQueue.visibilityTimeoutSeconds));
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queues.deadLetter.arn, maxReceiveCount: requestsQueue.maxReceiveCount });

    await sqs.send(new SendMessageCommand({ QueueUrl: queues.requests.url, MessageBody: '{"requestId":"r-poison"}' }));
    for (let i = 0; i < requestsQueue.maxReceiveCount; i++) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
      expect(received.Messages).toHaveLength(1);
    }
    const afterLimit = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
    expect(afterLimit.Messages ?? []).toHaveLength(0);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.deadLetter.url, WaitTimeSeconds: 0 }));
    expect(dead.Messages?.[0]?.Body).toBe('{"requestId":"r-poison"}');
  });
});
