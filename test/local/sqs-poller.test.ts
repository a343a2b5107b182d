import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { localSqsClient } from '../../functions/local/clients.js';
import { lambdaContext } from '../../functions/local/lambda-context.js';
import { createQueues } from '../../functions/local/provision.js';
import { startSqsPoller } from '../../functions/local/sqs-poller.js';

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
afterAll(() => sqs.destroy());

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the local SQS poller', () => {
  it('hands batches to the handler as an SQSEvent, deletes what succeeded and redelivers batchItemFailures soon', async () => {
    const queues = await createQueues(sqs, `poller-${randomUUID().slice(0, 8)}-`);
    const events: SQSEvent[] = [];
    const seen: string[] = [];
    let failedOnce = false;
    const poller = startSqsPoller({
      client: sqs,
      queue: queues.requests,
      region: inject('sqsRegion'),
      context: () => lambdaContext('test-function', 30, inject('sqsRegion')),
      retryAfterSeconds: 1,
      handler: async (event) => {
        events.push(event);
        seen.push(...event.Records.map((r) => r.body));
        const flaky = event.Records.find((r) => r.body === 'flaky');
        if (flaky && !failedOnce) {
          failedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: flaky.messageId }] };
        }
        return { batchItemFailures: [] };
      },
    });
    try {
      for (const body of ['steady', 'flaky']) await sqs.send(new SendMessageCommand({ QueueUrl: queues.requests.url, MessageBody: body }));
      await until(() => seen.filter((b) => b === 'flaky').length === 2);
      await until(() => poller.idle());

      const record = events[0]?.Records[0];
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queues.requests.arn,
        awsRegion: inject('sqsRegion'),
        receiptHandle: expect.any(String),
        md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(seen.filter((b) => b === 'steady')).toHaveLength(1);
      const redelivered = events.flatMap((e) => e.Records).filter((r) => r.body === 'flaky');
      expect(redelivered.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
      const left = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queues.requests.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      expect(left.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    } finally {
      await poller.stop();
    }
  });

  it('treats a thrown handler as a failure of the whole batch', async () => {
    const queues = await createQueues(sqs, `poller-${randomUUID().slice(0, 8)}-`);
    let calls = 0;
    const errors: unknown[] = [];
    const poller = startSqsPoller({
      client: sqs,
      queue: queues.requests,
      region: inject('sqsRegion'),
      context: () => lambdaContext('test-function', 30, inject('sqsRegion')),
      retryAfterSeconds: 1,
      onError: (error) => errors.push(error),
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('cold start failed');
        return { batchItemFailures: [] };
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.requests.url, MessageBody: 'once' }));
      await until(() => calls === 2);
      expect(errors).toHaveLength(1);
    } finally {
      await poller.stop();
    }
  });
});
