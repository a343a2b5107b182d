import { createHash } from 'node:crypto';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../functions/local/lambda-context.js';
import type { DeathCause, Life } from './mortal.js';

export type InvocationOutcome = 'completed' | 'threw' | DeathCause;

export interface Invocation {
  id: number;
  worker: number;
  startedAt: number;
  endedAt?: number;
  /** The request id each message names, when its body names one. */
  requestIds: string[];
  messages: number;
  outcome?: InvocationOutcome;
  /** Messages the handler reported as failed (`batchItemFailures`). */
  failed: number;
  /** Requests a timeout caught between a provider's acceptance and its record. */
  caughtInWindow?: string[];
  /** What a handler that threw threw: the error's name and the start of its message. */
  error?: string;
}

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface InvokerOptions {
  sqs: SQSClient;
  queue: { url: string; arn: string };
  region: string;
  workers: number;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  functionTimeoutMs: number;
  /** A fresh life for invocation `id`: when, if ever, it crashes. */
  life(id: number): Life;
  /** The handler one worker (one Lambda instance) runs for this life. */
  handler(worker: number, life: Life): Handler;
  onError?(error: unknown): void;
}

/**
 * Stands in for Lambda's SQS event source mapping, including what it does when things go wrong: a
 * handler that throws fails its whole batch, and the messages of a crashed or timed-out invocation
 * are neither deleted nor released, so they come back only when their visibility timeout ends.
 * Failed messages also wait the full visibility timeout, as with the deployed queue.
 */
export class Invoker {
  readonly invocations: Invocation[] = [];
  private running = true;
  private readonly busy: boolean[];
  private loops: Promise<void>[] = [];

  constructor(private readonly options: InvokerOptions) {
    this.busy = Array.from({ length: options.workers }, () => false);
  }

  start(): void {
    this.loops = this.busy.map((_, worker) => this.loop(worker));
  }

  /** No invocation in progress (crashed ones excepted: they never end). */
  idle(): boolean {
    return this.busy.every((b) => !b);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(worker: number): Promise<void> {
    while (this.running) {
      try {
        const { Messages = [] } = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queue.url,
            MaxNumberOfMessages: Math.min(10, this.options.batchSize),
            WaitTimeSeconds: 1,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) continue;
        this.busy[worker] = true;
        await this.invoke(worker, Messages);
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        this.busy[worker] = false;
      }
    }
  }

  private async invoke(worker: number, messages: Message[]): Promise<void> {
    const id = this.invocations.length;
    const record: Invocation = {
      id,
      worker,
      startedAt: Date.now(),
      requestIds: messages.map((m) => requestIdOf(m.Body ?? '')).filter((r): r is string => r !== undefined),
      messages: messages.length,
      failed: 0,
    };
    this.invocations.push(record);
    const life = this.options.life(id);
    const handler = this.options.handler(worker, life);
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, this.options.queue.arn, this.options.region)) };
    const context = lambdaContext('switchboard-orchestrator', this.options.functionTimeoutMs / 1000, this.options.region);
    const timer = setTimeout(() => life.kill(), this.options.functionTimeoutMs);
    const ran = handler(event, context).then(
      (response) => ({ kind: 'completed' as const, response }),
      (error: unknown) => ({ kind: 'threw' as const, error }),
    );
    const raced = await Promise.race([ran, life.death.then((cause) => ({ kind: cause }))]);
    clearTimeout(timer);
    // Middy answers with its own TimeoutError just before the function timeout: the invocation timed out.
    const result = raced.kind === 'threw' && isMiddyTimeout(raced.error) ? (life.kill(), { kind: 'timeout' as const }) : raced;
    life.retire();
    record.endedAt = Date.now();
    record.outcome = result.kind;
    if (result.kind === 'timeout') record.caughtInWindow = life.caughtInWindow;
    if (result.kind === 'threw') record.error = describe(result.error);
    if (result.kind !== 'completed') return;
    const failed = new Set((result.response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    record.failed = failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.options.queue.url, Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) }),
      );
    }
  }
}

function isMiddyTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError' && (error.cause as { package?: unknown } | undefined)?.package === '@middy/core';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message.slice(0, 200)}`;
}

/** The request id a body names, read loosely: poison may still carry one. */
export function requestIdOf(body: string): string | undefined {
  const match = /"requestId"\s*:\s*"([^"]{1,128})"/.exec(body.slice(0, 400));
  return match?.[1];
}

function toRecord(message: Message, arn: string, region: string): SQSRecord {
  const body = message.Body ?? '';
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'chaos',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}
