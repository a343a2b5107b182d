import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqsRequestBatch } from '../../functions/adapters/sqs-request-batch.js';
import { BundleTemplateStore, loadTemplateBundle } from '../../functions/adapters/bundle-template-store.js';
import { MAX_INGEST_BODY_BYTES } from '../../functions/core/ingest-body.js';
import { routeIngest } from '../../functions/ingest/routes.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';
import { iamEvent } from '../support/http-events.js';
import { body, context, type HttpHandler } from '../support/inbox-world.js';
import type { Problem } from '../../functions/core/model.js';

/** What POST /requests answers, loosely: the assertions are the check. */
interface Answer {
  message?: string;
  messageId?: string;
  error: { code: string; message: string; retryable?: boolean; problems: Problem[] };
  queued: string[];
  results: ({ status: string } & Record<string, unknown>)[];
}

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
let queues: QueueNames;
let handler: HttpHandler;

beforeAll(async () => {
  queues = await createQueues(sqs, `ingest-${Date.now()}-`);
  Object.assign(process.env, {
    AWS_REGION: inject('sqsRegion'),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
    REQUESTS_QUEUE_URL: queues.requests.url,
    TEMPLATE_BUNDLE_PATH: TEMPLATE_BUNDLE,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  ({ handler } = (await import('../../functions/ingest/handler.js')) as unknown as { handler: HttpHandler });
});
afterAll(() => sqs.destroy());

const valid = (n: number, over: Record<string, unknown> = {}) => ({ requestId: `r-ingest-${n}`, customerId: 'c-3001', template: 'order-shipped', ...over });
const post = (payload: unknown) => handler(iamEvent({ method: 'POST', path: '/requests', body: payload }), context);
const postText = (text: string, base64 = false) =>
  handler({ ...iamEvent({ method: 'POST', path: '/requests' }), body: base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: base64 }, context);

/** Every message on the requests queue, taken off it, by request id (the queue keeps no order). */
async function drain(): Promise<{ requestId: string }[]> {
  const bodies: { requestId: string }[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies.sort((a, b) => a.requestId.localeCompare(b.requestId));
    bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as { requestId: string }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.requests.url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
}

describe('POST /requests on the SQS emulator', () => {
  it('queues one request as sent and answers 202 with its message id, as before batches', async () => {
    const response = await post(valid(1));
    expect(response.statusCode).toBe(202);
    const answer = body<{ messageId: string; queued: string[]; results: unknown[] }>(response);
    expect(answer.queued).toEqual(['r-ingest-1']);
    expect(answer.results).toEqual([{ index: 0, requestId: 'r-ingest-1', status: 'queued', messageId: answer.messageId }]);
    expect(answer.messageId).toMatch(/\S/);
    expect(await drain()).toEqual([valid(1)]);
  });

  it('queues the valid requests of a batch and lists the rest with every problem and its path', async () => {
    const batch = [valid(2), { ...valid(3), channels: ['sms', 'sms'], surprise: true }, valid(4, { template: 'no-such-template' }), valid(5)];
    const response = await post(batch);
    expect(response.statusCode).toBe(202);
    const answer = body<Answer>(response);
    expect(answer).not.toHaveProperty('messageId');
    expect(answer.queued).toEqual(['r-ingest-2', 'r-ingest-5']);
    expect(answer.results).toEqual([
      { index: 0, requestId: 'r-ingest-2', status: 'queued', messageId: expect.any(String) },
      {
        index: 1,
        requestId: 'r-ingest-3',
        status: 'invalid',
        problems: [
          { path: 'channels', message: 'must not repeat a channel' },
          { path: '', message: 'unknown field(s): surprise' },
        ],
      },
      { index: 2, requestId: 'r-ingest-4', status: 'invalid', problems: [{ path: 'template', message: 'unknown template "no-such-template"' }] },
      { index: 3, requestId: 'r-ingest-5', status: 'queued', messageId: expect.any(String) },
    ]);
    expect(await drain()).toEqual([valid(2), valid(5)]);
  });

  it('answers 400 when no request is valid, each problem under its index, the category and topic checked against the registry', async () => {
    const response = await post([
      valid(6, { template: 'cart-reminder', category: 'transactional' }),
      valid(7, { template: 'cart-reminder', topic: 'promotion' }),
      { customerId: 'c-3001' },
    ]);
    expect(response.statusCode).toBe(400);
    const answer = body<Answer>(response);
    expect(answer.error.code).toBe('INVALID_REQUEST');
    expect(answer.message).toBe(answer.error.message);
    expect(answer.queued).toEqual([]);
    expect(answer.error.problems.map((p) => p.path)).toEqual(['0.category', '1.topic', '2.requestId', '2.template']);
    expect(answer.error.problems[1]?.message).toContain('"promotion" is not a topic declared in topics.json (did you mean "promotions"?)');
    expect(answer.results.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(await drain()).toEqual([]);
  });

  it('keeps paths unprefixed for a single request', async () => {
    const response = await post({ ...valid(8), sendAt: '2026-11-24T09:00:00' });
    expect(response.statusCode).toBe(400);
    expect(body<Answer>(response).error.problems).toEqual([{ path: 'sendAt', message: expect.stringContaining('with an offset') }]);
  });

  it.each([
    ['malformed JSON', '{"requestId":', 400, 'INVALID_JSON'],
    ['an empty body', '', 400, 'EMPTY_BODY'],
    ['a number', '7', 400, 'NOT_A_REQUEST'],
    ['an empty array', '[]', 400, 'EMPTY_BATCH'],
    ['eleven requests', JSON.stringify(Array.from({ length: 11 }, (_, i) => valid(100 + i))), 400, 'TOO_MANY_REQUESTS'],
    ['a body over the limit', JSON.stringify({ ...valid(9), data: { pad: 'x'.repeat(MAX_INGEST_BODY_BYTES) } }), 413, 'BODY_TOO_LARGE'],
  ])('refuses %s with a 4xx naming the problem, queueing nothing', async (_name, text, status, code) => {
    const response = await postText(text);
    expect(response.statusCode).toBe(status);
    expect(body<Answer>(response).error).toEqual({ code, message: expect.any(String), problems: [{ path: '', message: expect.any(String) }] });
    expect(await drain()).toEqual([]);
  });

  it('reads a base64-encoded body', async () => {
    expect((await postText(JSON.stringify(valid(10)), true)).statusCode).toBe(202);
    expect(await drain()).toEqual([valid(10)]);
  });

  it('answers other methods and paths with a problem', async () => {
    const get = await handler(iamEvent({ method: 'GET', path: '/requests' }), context);
    expect(get.statusCode).toBe(405);
    expect(get.headers?.allow).toBe('POST');
    expect((await handler(iamEvent({ method: 'POST', path: '/requests/x' }), context)).statusCode).toBe(404);
  });
});

describe('POST /requests when the queue takes nothing', () => {
  const templates = new BundleTemplateStore(loadTemplateBundle(TEMPLATE_BUNDLE));
  const log = { info: () => undefined };
  const route = (client: SQSClient, queueUrl: string, payload: unknown) =>
    routeIngest(iamEvent({ method: 'POST', path: '/requests', body: payload }), { queue: new SqsRequestBatch(client, queueUrl), templates, log });

  it('answers 503, retryable, when the queue cannot be reached, listing each request not queued', async () => {
    const unreachable = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const response = await route(unreachable, queues.requests.url, [valid(11), { requestId: 'r-bad' }]);
    expect(response.statusCode).toBe(503);
    const answer = body<Answer>(response);
    expect(answer.error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', retryable: true });
    expect(answer.error.problems.map((p) => p.path)).toEqual(['0', '1.customerId', '1.template']);
    expect(answer.results[0]).toMatchObject({ index: 0, requestId: 'r-ingest-11', status: 'failed', retryable: true });
    unreachable.destroy();
  });

  it('answers 500, not retryable, when the queue refuses for good', async () => {
    const response = await route(sqs, `${inject('sqsEndpoint')}/000000000000/ingest-no-such-queue`, valid(12));
    expect(response.statusCode).toBe(500);
    const answer = body<Answer>(response);
    expect(answer.error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', retryable: false, problems: [{ path: '', message: expect.stringMatching(/^not queued: /) }] });
    expect(answer.results[0]).toMatchObject({ status: 'failed', retryable: false });
  });
});
