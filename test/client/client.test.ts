import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countRequests, type SdkCall } from '../../bench/count-requests.js';
import { SwitchboardClient } from '../../functions/client/index.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { historyEntry } from '../../functions/core/history.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import type { SendRequestInput } from '../../functions/core/request.js';
import { routeHistory } from '../../functions/history-api/routes.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { iamEvent } from '../support/http-events.js';

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
const calls: SdkCall[] = [];
countRequests(sqs, (call) => calls.push(call));
let queues: QueueNames;

beforeAll(async () => {
  queues = await createQueues(sqs, `client-${Date.now()}-`);
});
afterAll(() => sqs.destroy());

const request = (n: number): SendRequestInput => ({ requestId: `r-client-${n}`, customerId: 'c-3002', template: 'cart-reminder', data: { itemName: 'jumper' } });

async function drain(queueUrl: string): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? '') as Record<string, unknown>));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
}

describe('SwitchboardClient.send on the SQS emulator', () => {
  it('queues 21 of 23 requests in three batches and reports the 2 invalid ones with their problems', async () => {
    const client = new SwitchboardClient({ sqs, queueUrl: queues.requests.url });
    const requests = Array.from({ length: 23 }, (_, i) => request(i));
    requests[5] = { ...request(5), channels: ['sms', 'sms'] };
    requests[17] = { ...request(17), sendAt: { localTime: '9:00' } };
    calls.length = 0;
    const summary = await client.send(requests);
    expect({ queued: summary.queued, invalid: summary.invalid, failed: summary.failed }).toEqual({ queued: 21, invalid: 2, failed: 0 });
    expect(summary.results[5]).toEqual({ index: 5, requestId: 'r-client-5', status: 'invalid', problems: [{ path: 'channels', message: 'must not repeat a channel' }] });
    expect(summary.results[17]).toEqual({ index: 17, requestId: 'r-client-17', status: 'invalid', problems: [{ path: 'sendAt.localTime', message: expect.any(String) }] });
    const queued = summary.results.filter((r) => r.status === 'queued');
    expect(new Set(queued.map((r) => r.messageId)).size).toBe(21);
    expect(calls.filter((c) => c.operation === 'SendMessageBatch').map((c) => (c.input.Entries as unknown[]).length)).toEqual([10, 10, 1]);
    const bodies = await drain(queues.requests.url);
    expect(bodies.map((b) => b.requestId).sort()).toEqual(queued.map((r) => r.requestId).sort());
    expect(bodies.find((b) => b.requestId === 'r-client-0')).toEqual(request(0));
  });

  it('takes a single request as well, and queues nothing when it is invalid', async () => {
    const client = new SwitchboardClient({ sqs, queueUrl: queues.requests.url });
    expect(await client.send(request(100))).toMatchObject({ queued: 1, results: [{ status: 'queued', requestId: 'r-client-100' }] });
    const invalid = await client.send({ requestId: 'r-client-101', customerId: '', template: 'cart-reminder' });
    expect(invalid).toMatchObject({ queued: 0, invalid: 1, results: [{ status: 'invalid', problems: [{ path: 'customerId' }] }] });
    expect((await drain(queues.requests.url)).map((b) => b.requestId)).toEqual(['r-client-100']);
  });

  it('reports each request the queue did not take with its code and whether to retry', async () => {
    const gone = new SwitchboardClient({ sqs, queueUrl: `${inject('sqsEndpoint')}/000000000000/client-no-such-queue` });
    expect((await gone.send([request(200), request(201)])).results).toEqual([
      { index: 0, requestId: 'r-client-200', status: 'failed', code: 'QueueDoesNotExist', retryable: false },
      { index: 1, requestId: 'r-client-201', status: 'failed', code: 'QueueDoesNotExist', retryable: false },
    ]);
    const unreachable = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const offline = new SwitchboardClient({ sqs: unreachable, queueUrl: queues.requests.url });
    expect((await offline.send(request(202))).results).toEqual([{ index: 0, requestId: 'r-client-202', status: 'failed', code: expect.any(String), retryable: true }]);
    unreachable.destroy();
  });
});

describe('SwitchboardClient.status through a SigV4-checking stand-in for the service API', () => {
  const CREDENTIALS = { accessKeyId: 'AKIDCLIENTTEST', secretAccessKey: 'client-test-secret' };
  const REGION = 'eu-central-1';
  const record: DeliveryRecord = {
    requestId: 'r:client.1',
    customerId: 'c-3002',
    template: 'cart-reminder',
    status: 'SENT',
    channel: 'email',
    attempts: [{ channel: 'email', at: '2026-11-24T12:00:01.000Z', outcome: 'SENT', providerMessageId: 'ses-1' }],
    timeline: [{ status: 'SENT', at: '2026-11-24T12:00:01.000Z', channel: 'email' }],
    createdAt: '2026-11-24T12:00:00.000Z',
    updatedAt: '2026-11-24T12:00:01.000Z',
  };
  let server: Server;
  let apiUrl: string;

  /** The signature API Gateway would compute for what arrived, over the headers the caller signed. */
  async function expectedAuthorization(req: IncomingMessage): Promise<string> {
    const signer = new SignatureV4({ service: 'execute-api', region: REGION, credentials: CREDENTIALS, sha256: sqs.config.sha256 });
    const amzDate = String(req.headers['x-amz-date']);
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const url = new URL(req.url ?? '', `http://${req.headers.host}`);
    const signed = await signer.sign(
      {
        method: req.method ?? '',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: String(req.headers.host), accept: String(req.headers.accept) },
      },
      { signingDate },
    );
    return String(signed.headers.authorization);
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        if (req.headers.authorization !== (await expectedAuthorization(req))) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"The request signature we calculated does not match the signature you provided."}');
          return;
        }
        const path = new URL(req.url ?? '', 'http://x').pathname;
        const event = iamEvent({ method: req.method ?? 'GET', path });
        const answer = await routeHistory(event, {
          history: { listByCustomer: async () => ({ items: [] }) },
          deliveries: {
            getDelivery: async (id) => {
              if (id === 'r-client-busy') throw new RetryableError('deliveries GetItem failed: ThrottlingException', 'ThrottlingException');
              return id === record.requestId ? record : undefined;
            },
          },
          log: { info: () => undefined },
        });
        res.writeHead(answer.statusCode ?? 200, { 'content-type': 'application/json' }).end(answer.body);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (credentials = CREDENTIALS) =>
    new SwitchboardClient({ sqs: new SQSClient({ region: REGION, credentials }), queueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests', apiUrl });

  it('reads the delivery record, shaped as the history shows it, with a signed request', async () => {
    expect(await client().status('r:client.1')).toEqual(historyEntry(record));
  });

  it('answers undefined for a request without a record, and fails with the code for anything else', async () => {
    expect(await client().status('r-client-unknown')).toBeUndefined();
    const refused = client({ ...CREDENTIALS, secretAccessKey: 'wrong' }).status('r:client.1');
    await expect(refused).rejects.toBeInstanceOf(PermanentError);
    await expect(refused).rejects.toMatchObject({ code: 'HTTP_403', retryable: false });
    await expect(client().status('r-client-busy')).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    await expect(client().status('not an id')).rejects.toMatchObject({ code: 'INVALID_REQUEST_ID' });
    await expect(new SwitchboardClient({ sqs, queueUrl: queues.requests.url }).status('r-1')).rejects.toThrow('status needs apiUrl');
  });
});
