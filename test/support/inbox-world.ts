import type { Context } from 'aws-lambda';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoInboxSender } from '../../functions/adapters/dynamo-inbox-sender.js';
import type { Channel } from '../../functions/core/model.js';
import type { LocalTables } from './local-aws.js';

export type HttpHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export const context = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

export { handlerTables } from './local-aws.js';

/**
 * Sends a message the way the orchestrator does: claim, the real sender (the inbox sender for
 * in-app), then the finished record with the attempt.
 */
export async function deliver(local: LocalTables, input: { requestId: string; customerId: string; channel: Channel; at: string; title?: string }): Promise<string | undefined> {
  const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const at = new Date(input.at);
  await log.claim({ requestId: input.requestId, customerId: input.customerId, template: 'cart-reminder', createdAt: input.at, now: at, leaseMs: 60_000 });
  let providerMessageId: string | undefined;
  if (input.channel === 'in_app') {
    const sender = new DynamoInboxSender(local.doc, { tableName: local.tables.inbox });
    const result = await sender.send({
      requestId: input.requestId,
      customerId: input.customerId,
      template: 'cart-reminder',
      category: 'marketing',
      topic: 'promotions',
      content: { title: input.title ?? `Message ${input.requestId}`, body: 'Your boots are waiting.' },
      at,
    });
    if (result.outcome === 'SENT') providerMessageId = result.providerMessageId;
  }
  await log.finish({
    requestId: input.requestId,
    customerId: input.customerId,
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    strategy: 'failover',
    status: 'SENT',
    channel: input.channel,
    attempts: [{ channel: input.channel, at: input.at, outcome: 'SENT', ...(providerMessageId ? { providerMessageId } : {}) }],
    timeline: [{ status: 'SENT', at: input.at, channel: input.channel }],
    createdAt: input.at,
    updatedAt: input.at,
  });
  return providerMessageId;
}

export function body<T = Record<string, unknown>>(response: APIGatewayProxyStructuredResultV2): T {
  return JSON.parse(String(response.body)) as T;
}
