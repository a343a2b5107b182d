import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueEntry, QueueEntryResult, RequestQueue } from '../core/ingest.js';
import { toSwitchboardError } from './aws-errors.js';

/**
 * Puts send requests on the requests queue with SendMessageBatch. SQS answers each entry on its
 * own: one it refuses for the sender's fault (a malformed entry) is not worth retrying, one it
 * failed itself is. A call that fails as a whole rejects with a `SwitchboardError`.
 */
export class SqsRequestBatch implements RequestQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBatch(entries: readonly QueueEntry[]): Promise<QueueEntryResult[]> {
    const output = await this.client
      .send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries.map(({ id, body }) => ({ Id: id, MessageBody: body })) }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'SQS SendMessageBatch')));
    const sent = new Map((output.Successful ?? []).map((entry) => [entry.Id, entry.MessageId]));
    const failed = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
    return entries.map(({ id }): QueueEntryResult => {
      const messageId = sent.get(id);
      if (messageId) return { id, ok: true, messageId };
      const refusal = failed.get(id);
      // An entry SQS did not mention was not taken: sending it again is safe, the request id deduplicates.
      return { id, ok: false, code: refusal?.Code ?? 'NO_ANSWER', retryable: refusal ? !refusal.SenderFault : true };
    });
  }
}
