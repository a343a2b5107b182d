import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollOptions {
  sqs: SQSClient;
  queue: { url: string; arn: string };
  handler: SqsHandler;
  /** Messages handed to one invocation, as the event source mapping's batch size. */
  batchSize: number;
  /** Long-poll wait of the first receive; 0 returns at once when the queue is empty. */
  waitTimeSeconds?: number;
  /** Visibility while the handler runs: the function timeout, as Lambda uses. */
  visibilityTimeoutSeconds?: number;
  /** How soon a reported failure becomes visible again; the deployed queue waits its full visibility timeout. */
  retryAfterSeconds?: number;
  region?: string;
  context?: () => Context;
  /** A thrown handler fails the whole batch, as on Lambda; this hears about it. */
  onError?: (error: unknown) => void;
  /** Told how many messages arrived, before the handler runs. */
  onReceive?: (count: number) => void;
}

export interface PollResult {
  received: number;
  failed: number;
  ms: number;
}

/**
 * One turn of what Lambda's SQS event source mapping does, for local mode, tests and the
 * benchmark: gather a batch, invoke the handler with a real-shaped SQS event, delete what
 * succeeded, and leave the reported failures on the queue for redelivery.
 */
export async function pollOnce(options: PollOptions): Promise<PollResult> {
  const messages = await receiveBatch(options);
  options.onReceive?.(messages.length);
  if (messages.length === 0) return { received: 0, failed: 0, ms: 0 };
  const started = Date.now();
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options)) };
  let failedIds: Set<string>;
  try {
    const context = options.context?.() ?? lambdaContext('orchestrator', 30, options.region ?? 'us-east-1');
    const response = await options.handler(event, context);
    failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    options.onError?.(error);
    failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
  }
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
  return { received: messages.length, failed: failed.length, ms: Date.now() - started };
}

/** SQS hands out at most 10 messages per receive; a larger batch takes several. */
async function receiveBatch(options: PollOptions): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < options.batchSize) {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queue.url,
        MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
        WaitTimeSeconds: messages.length === 0 ? (options.waitTimeSeconds ?? 0) : 0,
        ...(options.visibilityTimeoutSeconds ? { VisibilityTimeout: options.visibilityTimeoutSeconds } : {}),
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
    if (Messages.length === 0) break;
  }
  return messages;
}

function toRecord(message: Message, options: PollOptions): SQSRecord {
  const body = message.Body ?? '';
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.queue.arn,
    awsRegion: options.region ?? 'us-east-1',
  };
}

async function forEachChunk<T>(items: T[], send: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += 10) await send(items.slice(i, i + 10));
}
