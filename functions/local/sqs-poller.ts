import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { pollOnce, type SqsHandler } from './sqs-lambda-poller.js';

export type { SqsHandler };

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
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears it while the loop awaits.
    while (running) {
      try {
        const report = await pollOnce({
          sqs: options.client,
          queue: options.queue,
          region: options.region,
          handler: options.handler,
          context: options.context,
          batchSize: options.batchSize ?? 10,
          waitTimeSeconds: options.waitTimeSeconds ?? 1,
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
          retryAfterSeconds: options.retryAfterSeconds ?? 2,
          ...(options.onError ? { onError: options.onError } : {}),
          onReceive: (count) => {
            idle = count === 0;
          },
        });
        if (report.received > 0) options.onBatch?.(report);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears it while the loop awaits.
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
