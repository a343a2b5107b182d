import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { toSwitchboardError } from './aws-errors.js';

export interface RequestQueueTarget {
  queueUrl: string;
  /** Set for an emulator; absent for the deployed queue, where the SDK's own settings apply. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Puts send requests on the requests queue, as upstream systems do. The body is sent exactly as
 * given: the orchestrator validates and applies defaults itself.
 */
export class SqsRequestQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(body: string): Promise<{ messageId: string }> {
    const output = await this.client
      .send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'SQS SendMessage')));
    return { messageId: output.MessageId ?? '' };
  }

  close(): void {
    this.client.destroy();
  }
}

export function sqsRequestQueue(target: RequestQueueTarget): SqsRequestQueue {
  const client = new SQSClient({
    ...(target.region ? { region: target.region } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    // An emulator's queue URLs may name a host that does not resolve: send to its endpoint instead.
    ...(target.endpoint ? { endpoint: target.endpoint, useQueueUrlAsEndpoint: false } : {}),
  });
  return new SqsRequestQueue(client, target.queueUrl);
}
