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

/** The SET clauses of an update expression, keyed by the attribute each one writes (every clause starts with a name placeholder). */
function setClauses(expression: string | undefined, names: Record<string, string> | undefined): Record<string, string> {
  const set = /^SET (.*)$/.exec(expression ?? '')?.[1] ?? '';
  return Object.fromEntries(
    set.split(/, (?=#)/).map((clause) => {
      const [target, value] = clause.split(' = ') as [string, string];
      return [names?.[target] ?? target, value];
    }),
  );
}

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
  it('sets an ACCEPTED item with a lease and a TTL in one update, only if absent or its lease lapsed', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { requestId: 'r-1', status: 'ACCEPTED', attempts: [] } });
    expect(await log.claim(claim)).toEqual({ kind: 'claimed', lease: T0.getTime() + 60_000, accepted: [] });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'deliveries',
      Key: { requestId: 'r-1' },
      ConditionExpression: 'attribute_not_exists(#requestId) OR (#status = :accepted AND #leaseUntil < :now)',
      ExpressionAttributeValues: {
        ':accepted': 'ACCEPTED',
        ':customerId': 'c-1',
        ':template': 'cart-reminder',
        ':at': T0.toISOString(),
        ':lease': T0.getTime() + 60_000,
        ':expires': Math.floor(T0.getTime() / 1000) + 400 * 86_400,
        ':none': [],
        ':timeline': [{ status: 'ACCEPTED', at: T0.toISOString() }],
        ':now': T0.getTime(),
      },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const sets = setClauses(input?.UpdateExpression, input?.ExpressionAttributeNames);
    expect(sets).toEqual({
      status: ':accepted',
      leaseUntil: ':lease',
      updatedAt: ':at',
      expiresAtEpoch: ':expires',
      // A takeover keeps who and what the claim was for, the attempts made so far and the timeline.
      customerId: 'if_not_exists(#customerId, :customerId)',
      template: 'if_not_exists(#template, :template)',
      attempts: 'if_not_exists(#attempts, :none)',
      timeline: 'if_not_exists(#timeline, :timeline)',
    });
    // Without the index's sort key the claim stays out of the history index: one write unit, not two.
    expect(Object.values(input?.ExpressionAttributeNames ?? {})).not.toContain('createdAt');
  });

  it('hands back the attempts a provider accepted under an earlier claim, and only those', async () => {
    const sent = { channel: 'email', at: T0.toISOString(), outcome: 'SENT', providerMessageId: 'ses-1' } as const;
    const failed = { channel: 'sms', at: T0.toISOString(), outcome: 'FAILED_RETRYABLE', error: { code: 'SMS_THROTTLED', message: 'slow down' } } as const;
    ddb.on(UpdateCommand).resolves({ Attributes: { requestId: 'r-1', status: 'ACCEPTED', attempts: [failed, sent] } });
    expect(await log.claim(claim)).toEqual({ kind: 'claimed', lease: T0.getTime() + 60_000, accepted: [sent] });
  });

  it('claims with nothing accepted when the update returns no attempts', async () => {
    ddb.on(UpdateCommand).resolves({});
    expect(await log.claim(claim)).toEqual({ kind: 'claimed', lease: T0.getTime() + 60_000, accepted: [] });
  });

  it('gives the finished record its index sort key, the record time when createdAt is unusable', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.finish({ ...record, createdAt: 'yesterday-ish' });
    const values = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues;
    expect(values?.[':createdAt']).toBe(record.updatedAt);
  });

  it('tells a finished record (duplicate) from a live lease (busy) using the item returned with the failure', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed({ status: { S: 'SENT' } }))
      .rejectsOnce(conditionFailed({ status: { S: 'ACCEPTED' }, leaseUntil: { N: '1' } }))
      .rejectsOnce(conditionFailed());
    expect(await log.claim(claim)).toEqual({ kind: 'duplicate', status: 'SENT' });
    expect(await log.claim(claim)).toEqual({ kind: 'busy' });
    expect(await log.claim(claim)).toEqual({ kind: 'busy' });
  });

  it('turns throttling into a retryable error and a refusal into a permanent one', async () => {
    ddb.on(UpdateCommand).rejectsOnce(awsError('ThrottlingException')).rejectsOnce(awsError('AccessDeniedException'));
    await expect(log.claim(claim)).rejects.toBeInstanceOf(RetryableError);
    await expect(log.claim(claim)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('DynamoDeliveryLog.recordAccepted', () => {
  const attempt = { channel: 'push', at: T0.toISOString(), outcome: 'SENT', providerMessageId: 'pp-1', error: undefined } as const;

  it('appends the attempt to the existing item, without undefined fields the marshaller would refuse', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.recordAccepted('r-1', attempt);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'deliveries',
      Key: { requestId: 'r-1' },
      UpdateExpression: 'SET #attempts = list_append(if_not_exists(#attempts, :none), :attempt)',
      ConditionExpression: 'attribute_exists(#requestId)',
      ExpressionAttributeNames: { '#requestId': 'requestId', '#attempts': 'attempts' },
      ExpressionAttributeValues: { ':none': [], ':attempt': [{ channel: 'push', at: T0.toISOString(), outcome: 'SENT', providerMessageId: 'pp-1' }] },
    });
  });

  it('ignores a missing item and reports throttling as retryable', async () => {
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(awsError('ProvisionedThroughputExceededException'));
    await expect(log.recordAccepted('r-gone', attempt)).resolves.toBeUndefined();
    await expect(log.recordAccepted('r-1', attempt)).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('DynamoDeliveryLog.finish', () => {
  it('appends the timeline, sets only the fields present, drops the lease and moves status only off ACCEPTED', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.finish({ ...record, problems: undefined });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#timeline = list_append(if_not_exists(#timeline, :none), :events)');
    // A finished record waits for nothing: what only a deferral or an escalation needs goes with the lease.
    expect(input?.UpdateExpression).toMatch(/ REMOVE #leaseUntil, #deferredUntil, #wake, #request$/);
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
  const release = { requestId: 'r-1', lease: T0.getTime() + 60_000, code: 'EMAIL_THROTTLED', at: new Date('2026-11-24T10:00:05.000Z') };

  it('release ends only the given lease and notes why and how often', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.release(release);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'deliveries',
      Key: { requestId: 'r-1' },
      UpdateExpression: 'SET #leaseUntil = :zero, #lastRetry = :lastRetry ADD #retries :one',
      ConditionExpression: '#leaseUntil = :lease',
      ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil', '#lastRetry': 'lastRetry', '#retries': 'retries' },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':one': 1,
        ':lease': T0.getTime() + 60_000,
        ':lastRetry': { code: 'EMAIL_THROTTLED', at: '2026-11-24T10:00:05.000Z' },
      },
    });
  });

  it('release ignores an item that is finished, missing or under another lease, and reports throttling as retryable', async () => {
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(awsError('ThrottlingException'));
    await expect(log.release({ ...release, requestId: 'r-unknown' })).resolves.toBeUndefined();
    await expect(log.release(release)).rejects.toBeInstanceOf(RetryableError);
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
