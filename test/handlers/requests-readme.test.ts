import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BundleTemplateStore, loadTemplateBundle } from '../../functions/adapters/bundle-template-store.js';
import { SqsRequestBatch } from '../../functions/adapters/sqs-request-batch.js';
import { historyEntry } from '../../functions/core/history.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { routeHistory } from '../../functions/history-api/routes.js';
import { type IngestDeps, routeIngest } from '../../functions/ingest/routes.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { restApiEvent } from '../../functions/tooling/api-gateway.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';

/**
 * The README's `POST /requests` and `GET /requests/{requestId}` examples, run as written with bash
 * and curl against a loopback server that checks each request is SigV4-signed for execute-api and
 * hands it to the ingest routes (queueing on the SQS emulator) or the history routes; the answers
 * the README shows must be the answers given, message ids aside.
 */
const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('### Over HTTP: `POST /requests`'), README.indexOf('### From code: the typed client'));
const curlSigns = (() => {
  try {
    return execFileSync('curl', ['--help', 'all'], { encoding: 'utf8' }).includes('--aws-sigv4');
  } catch {
    return false;
  }
})();

const blocks = (language: string) => [...SECTION.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1] as string);

const RECORD: DeliveryRecord = {
  requestId: 'order-FH-204931-shipped',
  customerId: 'c-1001',
  template: 'order-shipped',
  status: 'SENT',
  channel: 'email',
  attempts: [{ channel: 'email', at: '2026-11-24T10:00:00.410Z', outcome: 'SENT', providerMessageId: 'ses-1' }],
  timeline: [{ status: 'SENT', at: '2026-11-24T10:00:00.410Z', channel: 'email' }],
  createdAt: '2026-11-24T09:59:58.000Z',
  updatedAt: '2026-11-24T10:00:00.410Z',
};

interface Seen {
  method: string;
  path: string;
  authorization: string;
  status: number;
  body: unknown;
}

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
let queues: QueueNames;
let server: Server;
let apiUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  queues = await createQueues(sqs, `readme-requests-${Date.now()}-`);
  const ingest: IngestDeps = {
    queue: new SqsRequestBatch(sqs, queues.requests.url),
    templates: new BundleTemplateStore(loadTemplateBundle(TEMPLATE_BUNDLE)),
    log: { info: () => undefined },
  };
  const history = {
    history: { listByCustomer: async () => ({ items: [] }) },
    deliveries: { getDelivery: async (requestId: string) => (requestId === RECORD.requestId ? RECORD : undefined) },
    log: { info: () => undefined },
  };
  server = createServer((req, res) => {
    void answer(req, ingest, history).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/`;
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await new Promise((resolve) => server?.close(resolve));
  sqs.destroy();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

async function answer(req: IncomingMessage, ingest: IngestDeps, history: Parameters<typeof routeHistory>[1]): Promise<{ status: number; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const path = (req.url ?? '').replace(/^\/dev/, '');
  const event = { ...restApiEvent({ method: req.method ?? 'GET', path }), body: text || null };
  const response = req.method === 'POST' ? await routeIngest(event, ingest) : await routeHistory(event, history);
  const status = response.statusCode ?? 500;
  seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization ?? '', status, body: JSON.parse(String(response.body)) });
  return { status, body: String(response.body) };
}

/** The README's answers with each message id standing for whatever id SQS gave. */
function withAnyMessageId(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'messageId' ? expect.any(String) : v));
}

describe('the README’s send request examples over HTTP', () => {
  it.skipIf(!curlSigns)('work when copied: signed, answered as the README shows, and only the valid request queued', async () => {
    const [script] = blocks('bash');
    if (!script?.includes('curl "${sign[@]}" -X POST "${API}requests"')) throw new Error('the README has no POST /requests example where this test expects it');
    const runnable = script.replace(/^API=\$\(aws cloudformation[\s\S]*?--output text\)[^\n]*\n/m, `API=${apiUrl}\n`);
    expect(runnable).not.toContain('aws cloudformation');
    const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret' };
    await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', runnable], { env, timeout: 30_000 });

    expect(seen.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'POST /requests 202',
      'POST /requests 400',
      'GET /requests/order-FH-204931-shipped 200',
    ]);
    for (const request of seen) {
      expect(request.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
      );
    }
    const [accepted, refused] = blocks('json').map((block) => JSON.parse(block) as unknown);
    expect(seen[0]?.body).toEqual(withAnyMessageId(accepted));
    expect(seen[1]?.body).toEqual(refused);
    expect(seen[2]?.body).toEqual(historyEntry(RECORD));

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.requests.url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    expect(Messages.map((m) => (JSON.parse(m.Body ?? '') as { requestId: string }).requestId)).toEqual(['order-FH-204931-shipped']);
  });
});
