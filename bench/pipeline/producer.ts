import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendRequestInput } from '../../functions/core/request.js';

/**
 * Sends one batch of requests as upstream would, ten per SendMessageBatch, each stamped with
 * `createdAt` as it leaves, so latency starts when the request was really sent.
 */
export async function enqueue(sqs: SQSClient, queueUrl: string, batch: readonly SendRequestInput[]): Promise<void> {
  const groups: SendRequestInput[][] = [];
  for (let i = 0; i < batch.length; i += 10) groups.push(batch.slice(i, i + 10));
  await Promise.all(
    groups.map(async (group) => {
      const createdAt = new Date().toISOString();
      const output = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: group.map((body, n) => ({ Id: String(n), MessageBody: JSON.stringify({ ...body, createdAt }) })) }),
      );
      if (output.Failed?.length) throw new Error(`the queue refused ${output.Failed.length} messages`);
    }),
  );
}
