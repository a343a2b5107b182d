import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { isMalformedCustomer } from '../../functions/core/customer-record.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { awsError } from '../support/aws-errors.js';

const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-central-1' }));
const ddb = mockClient(doc);
const TABLE = 'customers';
const T0 = new Date('2026-11-24T10:00:00Z');

beforeEach(() => ddb.reset());

function directory(backoff: { maxAttempts?: number; sleep?: (ms: number) => Promise<void>; random?: () => number } = {}) {
  return new DynamoCustomerDirectory(doc, { tableName: TABLE, backoff: { sleep: async () => undefined, ...backoff } });
}

function keysOf(call: { args: [BatchGetCommand] }): string[] {
  return (call.args[0].input.RequestItems?.[TABLE]?.Keys ?? []).map((k) => String(k.customerId));
}

describe('DynamoCustomerDirectory.getMany', () => {
  it('asks for distinct, non-empty ids in chunks of at most 100', async () => {
    ddb.on(BatchGetCommand).callsFake(async (input: BatchGetCommand['input']) => ({
      Responses: { [TABLE]: (input.RequestItems?.[TABLE]?.Keys ?? []).map((k) => ({ customerId: k.customerId, locale: 'de-DE' })) },
    }));
    const ids = [...Array.from({ length: 250 }, (_, i) => `c-${i}`), 'c-3', 'c-249', ''];
    const found = await directory().getMany(ids);

    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls.map((c) => keysOf(c).length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    const asked = calls.flatMap(keysOf);
    expect(new Set(asked).size).toBe(250);
    expect(asked).not.toContain('');
    expect(found.size).toBe(250);
    expect(found.get('c-7')).toEqual({ customerId: 'c-7', locale: 'de-DE' });
  });

  it('reports a broken record with its problems, next to the good ones of the same batch', async () => {
    const extra = { loyaltyId: 'L-77', email: { address: 'ok@example.com', verifiedAt: '2026-01-02T00:00:00Z' } };
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { customerId: 'good', locale: 'de-DE', ...extra },
          { customerId: 'broken', push: 'f3c1', consent: 7, email: { status: 'active' } },
        ],
      },
    });
    const found = await directory().getMany(['good', 'broken']);

    expect(found.get('good')).toEqual({ customerId: 'good', locale: 'de-DE', ...extra });
    const broken = found.get('broken');
    expect(broken && isMalformedCustomer(broken)).toBe(true);
    expect(broken).toEqual({
      customerId: 'broken',
      malformed: [
        { path: 'email.address', message: expect.stringMatching(/expected string/) },
        { path: 'push', message: expect.stringMatching(/expected array/) },
        { path: 'consent', message: expect.stringMatching(/expected object/) },
      ],
    });
  });

  it('makes no call for an empty list', async () => {
    expect((await directory().getMany([])).size).toBe(0);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('retries UnprocessedKeys after a jittered pause and merges what each round returns', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [{ customerId: 'a' }] }, UnprocessedKeys: { [TABLE]: { Keys: [{ customerId: 'b' }, { customerId: 'c' }] } } })
      .resolvesOnce({ Responses: { [TABLE]: [{ customerId: 'b' }] }, UnprocessedKeys: { [TABLE]: { Keys: [{ customerId: 'c' }] } } })
      .resolvesOnce({ Responses: { [TABLE]: [{ customerId: 'c' }] } });
    const sleep = vi.fn(async (_ms: number) => undefined);
    const found = await directory({ sleep, random: () => 0.5 }).getMany(['a', 'b', 'c']);

    expect([...found.keys()].sort()).toEqual(['a', 'b', 'c']);
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls.map(keysOf)).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    // Half of a ceiling that doubles from the 50 ms base.
    expect(sleep.mock.calls).toEqual([[25], [50]]);
  });

  it('gives up with a retryable error after the bounded attempts, pausing under a capped ceiling', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [{ customerId: 'a' }] } } });
    const sleep = vi.fn(async (_ms: number) => undefined);
    const error = await directory({ maxAttempts: 7, sleep, random: () => 0.999999 })
      .getMany(['a'])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe('DYNAMO_UNPROCESSED_KEYS');
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(7);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([49, 99, 199, 399, 799, 999]);
  });

  it('maps throttling to a retryable error and missing permissions to a permanent one, keeping the cause', async () => {
    const throttled = awsError('ProvisionedThroughputExceededException');
    ddb.on(BatchGetCommand).rejectsOnce(throttled).rejectsOnce(awsError('AccessDeniedException'));
    const first = await directory()
      .getMany(['a'])
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RetryableError);
    expect((first as Error).cause).toBe(throttled);
    await expect(directory().getMany(['a'])).rejects.toBeInstanceOf(PermanentError);
  });
});

describe('DynamoCustomerDirectory.applyAddressChanges', () => {
  const conditionFailed = (item?: Record<string, unknown>) => awsError('ConditionalCheckFailedException', { extra: item ? { Item: item } : {} });

  it('suppresses a dead token by its index, guarded by a condition on the token at that index', async () => {
    ddb.on(GetCommand).resolves({ Item: { push: [{ token: 'aaa' }, { token: 'bbb' }] } });
    ddb.on(UpdateCommand).resolves({});
    await directory().applyAddressChanges('c-1', [{ channel: 'push', token: 'bbb', kind: 'token_dead' }], T0);

    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      Key: { customerId: 'c-1' },
      UpdateExpression: 'SET #push[1].#status = :suppressed, #push[1].#reason = :invalid, #push[1].#updatedAt = :at',
      ConditionExpression: '#push[1].#token = :token',
      ExpressionAttributeValues: { ':token': 'bbb', ':suppressed': 'suppressed', ':invalid': 'invalid', ':at': T0.toISOString() },
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true, ProjectionExpression: '#push' });
  });

  it('re-reads once when the list was reordered underneath, and writes at the new index', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { push: [{ token: 'aaa' }, { token: 'bbb' }] } })
      .resolvesOnce({ Item: { push: [{ token: 'bbb' }, { token: 'aaa' }] } });
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    await directory().applyAddressChanges('c-1', [{ channel: 'push', token: 'bbb', kind: 'token_renewed', newToken: 'ccc' }], T0);

    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.ConditionExpression)).toEqual(['#push[1].#token = :token', '#push[0].#token = :token']);
    expect(updates[1]).toMatchObject({ UpdateExpression: 'SET #push[0].#token = :newToken, #push[0].#updatedAt = :at', ExpressionAttributeValues: { ':newToken': 'ccc' } });
  });

  it('reports a retryable conflict when the race is lost twice, and does nothing for a token no longer on file', async () => {
    ddb.on(GetCommand).resolves({ Item: { push: [{ token: 'aaa' }] } });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const error = await directory()
      .applyAddressChanges('c-1', [{ channel: 'push', token: 'aaa', kind: 'token_dead' }], T0)
      .catch((e: unknown) => e);
    expect((error as RetryableError).code).toBe('ADDRESS_CHANGE_CONFLICT');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { push: [{ token: 'zzz' }] } });
    await directory().applyAddressChanges('c-1', [{ channel: 'push', token: 'aaa', kind: 'token_dead' }], T0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
