import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { awsError } from '../support/aws-errors.js';

const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-central-1' }));
const ddb = mockClient(doc);
const log = new DynamoDeliveryLog(doc, { tableName: 'deliveries' });
const T0 = new Date('2026-11-24T10:00:00.000Z');
const claim = { requestId: 'r-1', customerId: 'c-1', template: 'cart-reminder', createdAt: '2026-11-24T09:59:58.000Z', now: T0, leaseMs: 60_000 };
const conditionFailed = (item?: Record<string, unknown>) => awsError('ConditionalCheckFailedException', { extra: item ? { Item: item } : {} });

beforeEach(() => ddb.reset());

const record: DeliveryRecord = {
  requestId: 'r-1',
  customerId: 'c-1',
  template: 'cart-reminder',
  status: 'SENT',
  channel: 'email',
  category: 'marketing',
  attempts: [{ channel: 'email', at: T0.toISOString(), outcome: 'SENT', providerMessageId: 'ses-1' }],
  timeline: [{ status: 'SENT', at: T0.toISOString(), channel: 'email' }],
  createdAt: claim.createdAt,
  updatedAt: T0.toISOString(),
};

describe('DynamoDeliveryLog.claim', () => {
  it('puts an ACCEPTED item with a lease and a TTL, only if absent or its lease lapsed', async () => {
    ddb.on(PutCommand).resolves({});
    expect(await log.claim(claim)).toEqual({ kind: 'claimed' });
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'deliveries',
      Item: {
        requestId: 'r-1',
        status: 'ACCEPTED',
        customerId: 'c-1',
        template: 'cart-reminder',
        leaseUntil: T0.getTime() + 60_000,
        expiresAtEpoch: Math.floor(T0.getTime() / 1000) + 400 * 86_400,
        timeline: [{ status: 'ACCEPTED', at: T0.toISOString() }],
      },
      ConditionExpression: 'attribute_not_exists(#requestId) OR (#status = :accepted AND #leaseUntil < :now)',
      ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':now': T0.getTime() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // Without the index's sort key the claim stays out of the history index: one write unit, not two.
    expect(input?.Item).not.toHaveProperty('createdAt');
  });

  it('gives the finished record its index sort key, the record time when createdAt is unusable', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.finish({ ...record, createdAt: 'yesterday-ish' });
    const values = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values?.[':createdAt']).toBe(record.updatedAt);
  });

  it('tells a finished record (duplicate) from a live lease (busy) using the item returned with the failure', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed({ status: { S: 'SENT' } })).rejectsOnce(conditionFailed({ status: { S: 'ACCEPTED' }, leaseUntil: { N: '1' } }));
    expect(await log.claim(claim)).toEqual({ kind: 'duplicate', status: 'SENT' });
    expect(await log.claim(claim)).toEqual({ kind: 'busy' });
  });

  it('turns throttling into a retryable error', async () => {
    ddb.on(PutCommand).rejects(awsError('ThrottlingException'));
    await expect(log.claim(claim)).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('DynamoDeliveryLog.finish', () => {
  it('appends the timeline, sets only the fields present, drops the lease and moves status only off ACCEPTED', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.finish({ ...record, problems: undefined });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#timeline = list_append(if_not_exists(#timeline, :none), :events)');
    expect(input?.UpdateExpression).toMatch(/ REMOVE #leaseUntil$/);
    expect(input?.UpdateExpression).toContain('#status = :status');
    expect(input?.ConditionExpression).toBe('attribute_not_exists(#status) OR #status = :accepted');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':events': record.timeline, ':status': 'SENT', ':channel': 'email', ':attempts': record.attempts });
    expect(input?.ExpressionAttributeNames).not.toHaveProperty('#channels');
    expect(input?.ExpressionAttributeNames).not.toHaveProperty('#problems');
  });

  it('when feedback already advanced the status, writes the rest and keeps that status', async () => {
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    await log.finish(record);
    const second = ddb.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(second?.ConditionExpression).toBeUndefined();
    expect(second?.UpdateExpression).toContain('#status = if_not_exists(#status, :status)');
    expect(second?.UpdateExpression).toContain('list_append');
  });
});

describe('DynamoDeliveryLog.release and reject', () => {
  it('release ends the lease of an ACCEPTED item and ignores anything else', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(log.release('r-unknown')).resolves.toBeUndefined();
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({ UpdateExpression: 'SET #leaseUntil = :zero', ConditionExpression: '#status = :accepted' });
  });

  it('release after a claim by the same instance ends only the lease it wrote', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await log.claim({ ...claim, requestId: 'r-own' });
    await log.release('r-own');
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#status = :accepted AND #leaseUntil = :lease',
      ExpressionAttributeValues: { ':lease': T0.getTime() + 60_000 },
    });
  });

  it('reject writes only over nothing or another rejection, and swallows the refusal', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).rejectsOnce(awsError('AccessDeniedException'));
    const rejected: DeliveryRecord = { ...record, status: 'REJECTED', problems: [{ path: 'template', message: 'unknown' }] };
    await expect(log.reject(rejected)).resolves.toBeUndefined();
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(#requestId) OR #status = :rejected');
    await expect(log.reject(rejected)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('DynamoDeliveryLog.listByCustomer', () => {
  it('queries the keys-only byCustomer index newest first, reads the records by key, and round-trips the cursor', async () => {
    const lastKey = { requestId: 'r-9', customerId: 'c-1', createdAt: '2026-11-20T08:00:00.000Z' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ requestId: record.requestId, customerId: 'c-1', createdAt: record.createdAt }], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [] });
    ddb.on(BatchGetCommand).resolves({ Responses: { deliveries: [{ ...record, leaseUntil: 5, expiresAtEpoch: 9 }] } });
    const first = await log.listByCustomer('c-1', { limit: 500 });
    expect(first.items[0]).toEqual(record);
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await log.listByCustomer('c-1', { cursor: first.cursor });
    expect(second).toEqual({ items: [] });

    const [a, b] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(a).toMatchObject({ IndexName: 'byCustomer', ScanIndexForward: false, Limit: 100, ExpressionAttributeValues: { ':customerId': 'c-1' } });
    expect(a?.ExclusiveStartKey).toBeUndefined();
    expect(b?.ExclusiveStartKey).toEqual(lastKey);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.deliveries?.Keys).toEqual([{ requestId: record.requestId }]);
  });
});
