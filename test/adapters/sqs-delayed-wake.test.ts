import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { delaySeconds, SQS_MAX_DELAY_SECONDS, SqsDelayedWake } from '../../functions/adapters/sqs-delayed-wake.js';
import { wakeMessageSchema } from '../../functions/core/timing/wake.js';
import { awsError } from '../support/aws-errors.js';

const client = new SQSClient({ region: 'eu-central-1' });
const sqs = mockClient(client);
const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests';
const NOW = new Date('2026-11-24T10:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('SqsDelayedWake', () => {
  it('sends the wake message to the requests queue, delayed until it is due', async () => {
    await new SqsDelayedWake(client, QUEUE_URL).schedule({ requestId: 'r-1', token: 'e1', kind: 'escalation', due: later(90_000) }, NOW);
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ QueueUrl: QUEUE_URL, DelaySeconds: 90 });
    expect(wakeMessageSchema.parse(JSON.parse(input?.MessageBody ?? ''))).toEqual({ wake: { requestId: 'r-1', token: 'e1', kind: 'escalation' } });
  });

  it('fails a throttled send as retryable and a refused one as permanent', async () => {
    const wake = { requestId: 'r-1', token: 'e1', kind: 'escalation', due: later(1_000) } as const;
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(awsError('RequestThrottled', { status: 429 }))
      .rejectsOnce(awsError('AccessDenied', { status: 403 }));
    await expect(new SqsDelayedWake(client, QUEUE_URL).schedule(wake, NOW)).rejects.toMatchObject({ code: 'RequestThrottled', retryable: true });
    await expect(new SqsDelayedWake(client, QUEUE_URL).schedule(wake, NOW)).rejects.toMatchObject({ code: 'AccessDenied', retryable: false });
  });

  it('brings a wake forward with a second, earlier message; the first cannot be moved', async () => {
    await new SqsDelayedWake(client, QUEUE_URL).bringForward({ requestId: 'r-1', token: 'e1', kind: 'escalation', due: later(-1) }, NOW);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL, DelaySeconds: 0 });
  });

  it('cancels nothing: a delayed message cannot be withdrawn, and makes no call trying', async () => {
    await new SqsDelayedWake(client, QUEUE_URL).cancel();
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('delaySeconds', () => {
  it.each([
    [0, 0],
    [1, 1],
    [999, 1],
    [1_000, 1],
    [1_001, 2],
    [899_001, 900],
    [900_000, 900],
  ])('rounds %s ms up to %s s, so the message never arrives early', (ms, seconds) => {
    expect(delaySeconds(later(ms), NOW)).toBe(seconds);
  });

  it('sends a wake already due at once, and never asks for more than SQS allows', () => {
    expect(delaySeconds(later(-5_000), NOW)).toBe(0);
    expect(delaySeconds(later(3_600_000), NOW)).toBe(SQS_MAX_DELAY_SECONDS);
  });
});
