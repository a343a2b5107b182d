import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { calendarWindow, DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { RetryableError } from '../../functions/core/errors.js';
import { awsError } from '../support/aws-errors.js';

const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-central-1' }));
const ddb = mockClient(doc);
const counter = new DynamoFrequencyCounter(doc, { tableName: 'counters' });
const NOW = new Date('2026-11-24T23:30:00Z');
const input = (limits: { perDay?: number; perWeek?: number }) => ({ customerId: 'c-1', channel: 'email' as const, category: 'marketing' as const, now: NOW, limits });

beforeEach(() => ddb.reset());

describe('calendarWindow', () => {
  it.each([
    ['2026-11-24T23:30:00Z', '2026-11-24', '2026-W48', '2026-11-30'],
    ['2026-01-01T00:00:00Z', '2026-01-01', '2026-W01', '2026-01-05'],
    ['2027-01-01T12:00:00Z', '2027-01-01', '2026-W53', '2027-01-04'],
    ['2024-12-30T12:00:00Z', '2024-12-30', '2025-W01', '2025-01-06'],
    ['2026-11-29T23:59:59Z', '2026-11-29', '2026-W48', '2026-11-30'],
  ])('%s is day %s of ISO week %s, which ends before %s', (now, day, week, nextMonday) => {
    const window = calendarWindow(new Date(now));
    expect(window.day).toBe(day);
    expect(window.week).toBe(week);
    expect(window.expiresAtEpoch).toBe(Date.parse(`${nextMonday}T00:00:00Z`) / 1000 + 8 * 86_400);
  });
});

describe('DynamoFrequencyCounter', () => {
  it('counts the day and the week in one conditional ADD', async () => {
    ddb.on(UpdateCommand).resolves({});
    expect(await counter.tryConsume(input({ perDay: 1, perWeek: 3 }))).toEqual({ allowed: true });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'counters',
      Key: { counterKey: 'c-1#email#marketing#2026-W48' },
      UpdateExpression: 'ADD #week :one, #day :one SET #expires = :expires',
      ConditionExpression: '(attribute_not_exists(#week) OR #week < :perWeek) AND (attribute_not_exists(#day) OR #day < :perDay)',
      ExpressionAttributeNames: { '#week': 'week', '#day': 'd2026-11-24', '#expires': 'expiresAtEpoch' },
      ExpressionAttributeValues: { ':one': 1, ':perWeek': 3, ':perDay': 1, ':expires': calendarWindow(NOW).expiresAtEpoch },
    });
  });

  it('checks only the limits given', async () => {
    ddb.on(UpdateCommand).resolves({});
    await counter.tryConsume(input({ perWeek: 2 }));
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe('(attribute_not_exists(#week) OR #week < :perWeek)');
  });

  it('refuses when the condition fails, and writes nothing without limits or with a zero limit', async () => {
    ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    expect(await counter.tryConsume(input({ perDay: 2 }))).toEqual({ allowed: false });
    expect(await counter.tryConsume(input({}))).toEqual({ allowed: true });
    expect(await counter.tryConsume(input({ perDay: 0, perWeek: 10 }))).toEqual({ allowed: false });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('reports throttling as retryable rather than as a reached cap', async () => {
    ddb.on(UpdateCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    await expect(counter.tryConsume(input({ perDay: 2 }))).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('DynamoFrequencyCounter.refund', () => {
  const slot = { customerId: 'c-1', channel: 'email' as const, category: 'marketing' as const, now: NOW };

  it('takes one off the day and the week of the slot together, only while both are positive', async () => {
    ddb.on(UpdateCommand).resolves({});
    await counter.refund(slot);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'counters',
      Key: { counterKey: 'c-1#email#marketing#2026-W48' },
      UpdateExpression: 'ADD #week :minusOne, #day :minusOne',
      ConditionExpression: '#week > :zero AND #day > :zero',
      ExpressionAttributeNames: { '#week': 'week', '#day': 'd2026-11-24' },
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  });

  it('treats a refused condition (nothing left to give back) as done', async () => {
    ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(counter.refund(slot)).resolves.toBeUndefined();
  });

  it('reports throttling as retryable', async () => {
    ddb.on(UpdateCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    await expect(counter.refund(slot)).rejects.toBeInstanceOf(RetryableError);
  });
});
