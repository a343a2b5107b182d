import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  client: SQSClient;
  queue: { url: string; arn: string };
  region: string;
  handler: SqsHandler;
  context: () => Context;
  /** Messages per invocation; SQS hands out at most 10 per receive. */
  batchSize?: number;
  /** Long-poll wait; short, so stopping never waits long. */
  waitTimeSeconds?: number;
  /** How long the queue hides a message the handler reported as failed: short, locally. */
  retryAfterSeconds?: number;
  /** Visibility while the handler runs; the function timeout, as Lambda uses. */
  visibilityTimeoutSeconds?: number;
  onBatch?: (report: { received: number; failed: number; ms: number }) => void;
  onError?: (error: unknown) => void;
}

export interface SqsPoller {
  /** True when the last receive came back empty and no batch is being handled. */
  idle(): boolean;
  stop(): Promise<void>;
}

/**
 * Does locally what Lambda's SQS event source mapping does: long-polls, hands batches to the
 * handler as an SQSEvent, deletes what succeeded and lets the queue redeliver the
 * `batchItemFailures` (here after a short visibility timeout rather than the deployed one).
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  let running = true;
  let idle = false;
  const loop = (async () => {
    while (running) {
      try {
        const received = await receive(options);
        idle = received.length === 0;
        if (received.length > 0) await handleBatch(received, options);
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    idle: () => idle,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function receive(options: SqsPollerOptions): Promise<Message[]> {
  const output = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queue.url,
      MaxNumberOfMessages: Math.min(options.batchSize ?? 10, 10),
      WaitTimeSeconds: options.waitTimeSeconds ?? 1,
      VisibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return output.Messages ?? [];
}

async function handleBatch(messages: Message[], options: SqsPollerOptions): Promise<void> {
  const started = Date.now();
  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options)) };
  let failed: Set<string>;
  try {
    const response = await options.handler(event, options.context());
    failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    // A thrown handler fails the whole batch, as on Lambda.
    options.onError?.(error);
    failed = new Set(messages.map((message) => message.MessageId ?? ''));
  }
  const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
  const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
  if (done.length > 0) {
    await options.client.send(
      new DeleteMessageBatchCommand({ QueueUrl: options.queue.url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }),
    );
  }
  if (retry.length > 0) {
    await options.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queue.url,
        Entries: retry.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: options.retryAfterSeconds ?? 2 })),
      }),
    );
  }
  options.onBatch?.({ received: messages.length, failed: retry.length, ms: Date.now() - started });
}

function toRecord(message: Message, options: SqsPollerOptions): SQSRecord {
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
    awsRegion: options.region,
  };
}
