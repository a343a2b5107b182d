import { randomUUID } from 'node:crypto';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  sqs: SQSClient;
  queue: { url: string; arn: string };
  handler: SqsHandler;
  /** Messages handed to one invocation, as the event source mapping's batch size. */
  batchSize: number;
  /** Long-poll wait of each receive; 0 returns at once when the queue is empty. */
  waitTimeSeconds?: number;
  /** How soon a reported failure becomes visible again; the deployed queue waits its full visibility timeout. */
  retryAfterSeconds?: number;
  region?: string;
}

export interface PollResult {
  received: number;
  failed: number;
}

/**
 * What Lambda's SQS event source mapping does, for local mode and tests: gather a batch,
 * invoke the handler with a real-shaped SQS event, delete what succeeded, and leave the
 * reported failures on the queue for redelivery.
 */
export async function pollOnce(options: PollerOptions): Promise<PollResult> {
  const messages = await receiveBatch(options);
  if (messages.length === 0) return { received: 0, failed: 0 };
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options)) };
  const response = await options.handler(event, lambdaContext('orchestrator'));
  const failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  const succeeded = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
  const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ''));
  await forEachChunk(succeeded, (chunk) =>
    options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queue.url, Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) })),
  );
  await forEachChunk(failed, (chunk) =>
    options.sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queue.url,
        Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: options.retryAfterSeconds ?? 0 })),
      }),
    ),
  );
  return { received: messages.length, failed: failed.length };
}

/** Polls until stopped; one batch in flight at a time, like a mapping with concurrency 1. */
export function startPolling(options: PollerOptions, onError: (error: unknown) => void = () => undefined): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { received } = await pollOnce({ ...options, waitTimeSeconds: options.waitTimeSeconds ?? 1 });
        if (received === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      } catch (error) {
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function receiveBatch(options: PollerOptions): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < options.batchSize) {
    const wait = messages.length === 0 ? (options.waitTimeSeconds ?? 0) : 0;
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queue.url,
        MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
    if (Messages.length === 0) break;
  }
  return messages;
}

function toRecord(message: Message, options: PollerOptions): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? randomUUID(),
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queue.arn,
    awsRegion: options.region ?? 'us-east-1',
  };
}

async function forEachChunk<T>(items: T[], send: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += 10) await send(items.slice(i, i + 10));
}

/** Enough of Lambda's context for Powertools and middy. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
