import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { resolveQueueTarget, send, type SendDeps } from '../../functions/cli/commands/send.js';
import type { WaitClock } from '../../functions/cli/commands/send-wait.js';
import { localSqsClient } from '../../functions/local/clients.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { type LocalConfig, writeLocalConfig } from '../../functions/tooling/local-config.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder, writeBundle } from '../../functions/template-compiler/index.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-send-'));
const configPath = join(dir, 'local.json');
const bundlePath = join(dir, 'templates.bundle.json');
const bundleWithoutRegistryPath = join(dir, 'no-registry.bundle.json');
let queues: QueueNames;
let local: LocalTables;
let log: DynamoDeliveryLog;

beforeAll(async () => {
  const { bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR);
  await writeBundle(bundlePath, bundle);
  await writeBundle(bundleWithoutRegistryPath, { ...bundle, topics: undefined });
  queues = await createQueues(sqs, `cli-send-${randomUUID().slice(0, 8)}-`);
  local = await localTables('cli-send');
  log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  for (const item of [
    { customerId: 'c-3001', locale: 'en-GB' },
    { customerId: 'c-broken', email: 'not-a-map' },
  ]) {
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: item }));
  }
  const config: LocalConfig = {
    formatVersion: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    region: inject('sqsRegion'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: {
      dynamodb: inject('dynamoDbEndpoint'),
      sqs: inject('sqsEndpoint'),
      sesv2: 'http://127.0.0.1:1',
      pinpoint: 'http://127.0.0.1:1',
      sns: 'http://127.0.0.1:1',
      sandboxControl: 'http://127.0.0.1:1',
    },
    tables: local.tables,
    queues: { requests: queues.requests, deadLetter: queues.deadLetter },
    pushApplicationId: 'local',
    outbox: { url: 'http://127.0.0.1:1', templatesUrl: 'http://127.0.0.1:1/templates', apiUrl: 'http://127.0.0.1:1/api' },
  };
  await writeLocalConfig(config, configPath);
});
afterAll(() => {
  sqs.destroy();
  local.client.destroy();
});

function collector() {
  const logs: string[] = [];
  const errors: string[] = [];
  return { logs, errors, out: { log: (line: string) => logs.push(line), error: (line: string) => errors.push(line) } };
}

function file(content: unknown): string {
  const path = join(dir, `${randomUUID()}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function drain(): Promise<string[]> {
  const output = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
  return (output.Messages ?? []).map((m) => m.Body ?? '');
}

const cart = {
  itemName: 'Jumper',
  itemCount: 1,
  cartTotal: '£49.90',
  cartUrl: 'https://fernhill.example/cart/r/1',
  imageUrl: 'https://cdn.fernhill.example/j.jpg',
  lowStock: false,
};
const valid = (requestId: string) => ({ requestId, customerId: 'c-3001', template: 'cart-reminder', data: cart });
const localDeps = (extra: SendDeps = {}): SendDeps => ({ env: { TEMPLATE_BUNDLE_PATH: bundlePath }, localConfigPath: configPath, ...extra });

describe('switchboard send', () => {
  it('queues a valid request on the running local system, exactly as written', async () => {
    const { out, logs } = collector();

    const code = await send({ file: file(valid('r-send-1')) }, out, localDeps());

    expect(code).toBe(0);
    expect(logs[0]).toMatch(/^queued r-send-1 \(message \S+\) on the local system$/);
    expect((await drain()).map((body) => JSON.parse(body))).toEqual([valid('r-send-1')]);
  });

  it('reads standard input with "-" and takes an array of requests', async () => {
    const { out, logs } = collector();

    const code = await send({ file: '-' }, out, localDeps({ stdin: async () => JSON.stringify([valid('r-send-2'), valid('r-send-3')]) }));

    expect(code).toBe(0);
    expect(logs).toHaveLength(2);
    expect((await drain()).map((body) => JSON.parse(body).requestId).sort()).toEqual(['r-send-2', 'r-send-3']);
  });

  it('queues nothing when one request is invalid, and lists every problem with its path', async () => {
    const { out, errors } = collector();
    const broken = { requestId: 'bad id!', customerId: 'c-3001', template: 'cart-reminder', channels: ['fax'], colour: 'red' };

    const code = await send({ file: file([valid('r-send-4'), broken]) }, out, localDeps());

    expect(code).toBe(1);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^request 2: requestId: may only contain/),
        expect.stringMatching(/^request 2: channels\.0: /),
        expect.stringMatching(/^request 2: \(whole request\): unknown field\(s\): colour$/),
        '1 of 2 request(s) invalid: nothing was queued',
      ]),
    );
    expect(await drain()).toEqual([]);
  });

  it('checks the template, its declared data variables and the customer before queueing, and lists every problem', async () => {
    const { out, errors } = collector();
    const requests = [
      { ...valid('r-send-t1'), template: 'cart-remindr' },
      { ...valid('r-send-t2'), data: { itemName: 'Jumper', itemCount: 1, lowStock: null } },
      { ...valid('r-send-t3'), customerId: 'c-nobody' },
      { ...valid('r-send-t4'), customerId: 'c-broken' },
      valid('r-send-t5'),
    ];

    const code = await send({ file: file(requests) }, out, localDeps());

    expect(code).toBe(1);
    expect(errors).toEqual([
      'request 1 (r-send-t1): template: unknown template "cart-remindr"; the templates are "back-in-stock", "cart-reminder", "in-store-offer", "order-shipped", "service-recovery"',
      `request 2 (r-send-t2): data.cartTotal: template "cart-reminder" declares data.cartTotal, and the request's data has none`,
      `request 2 (r-send-t2): data.cartUrl: template "cart-reminder" declares data.cartUrl, and the request's data has none`,
      `request 2 (r-send-t2): data.imageUrl: template "cart-reminder" declares data.imageUrl, and the request's data has none`,
      'request 3 (r-send-t3): customerId: no customer "c-nobody" on the local system',
      expect.stringMatching(/^request 4 \(r-send-t4\): customerId: the record of customer "c-broken" breaks the record contract \(email: /),
      `templates and their data variables were checked against ${bundlePath} (npm run build writes it from templates/)`,
      '4 of 5 request(s) invalid: nothing was queued',
    ]);
    expect(await drain()).toEqual([]);
  });

  it('names the file, the line and the column of broken JSON, and a file it cannot read', async () => {
    const broken = collector();
    const path = file('{\n  "requestId": "r-1",\n  "data": { "a": 1, }\n}\n');
    expect(await send({ file: path }, broken.out, localDeps())).toBe(1);
    expect(broken.errors).toEqual([`${path} is not valid JSON: line 3, column 21: a comma must be followed by another property (no trailing comma)`]);

    const missing = collector();
    expect(await send({ file: join(dir, 'absent.json') }, missing.out, localDeps())).toBe(1);
    expect(missing.errors).toEqual([`cannot read ${join(dir, 'absent.json')}: no such file or folder`]);
    expect(await drain()).toEqual([]);
  });

  describe('with the topic registry of the local build', () => {
    const relabelled = (requestId: string) => ({ ...valid(requestId), category: 'transactional', topic: 'promotion' });

    it('queues nothing when a category or topic would be rejected, and lists every problem', async () => {
      const { out, errors } = collector();
      const everyTopic = { ...valid('r-send-8'), topic: '*' };

      const code = await send({ file: file([valid('r-send-6'), relabelled('r-send-7'), everyTopic]) }, out, localDeps());

      expect(code).toBe(1);
      expect(errors).toEqual([
        `request 2 (r-send-7): category: template "cart-reminder" is marketing: a request cannot change a template's category`,
        'request 2 (r-send-7): topic: "promotion" is not a topic declared in topics.json (did you mean "promotions"?)',
        `request 3 (r-send-8): topic: "*" stands for every topic in a customer's consent and is never the topic of a message`,
        `category and topic were checked against the topic registry in ${bundlePath}`,
        '2 of 3 request(s) invalid: nothing was queued',
      ]);
      expect(await drain()).toEqual([]);
    });

    it('queues a request that names another declared topic of the template category', async () => {
      const { out, errors } = collector();
      const request = { ...valid('r-send-9'), category: 'marketing', topic: 'new-arrivals' };

      const code = await send({ file: file(request) }, out, localDeps());

      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect((await drain()).map((body) => JSON.parse(body))).toEqual([request]);
    });

    it.each([
      ['there is no bundle', join(dir, 'absent.bundle.json')],
      ['the bundle has no registry', bundleWithoutRegistryPath],
    ])('leaves category and topic to the orchestrator when %s', async (_, path) => {
      const { out, errors } = collector();
      const request = relabelled(`r-send-10-${randomUUID().slice(0, 8)}`);

      const code = await send({ file: file(request) }, out, { env: { TEMPLATE_BUNDLE_PATH: path }, localConfigPath: configPath });

      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect((await drain()).map((body) => JSON.parse(body))).toEqual([request]);
    });
  });

  it('says how to start a local system, or name a deployed queue, when neither is there', async () => {
    const { out, errors } = collector();

    const code = await send({ file: file(valid('r-send-5')) }, out, { env: {}, localConfigPath: join(dir, 'absent.json') });

    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/npm start[\s\S]*SWITCHBOARD_QUEUE_URL/);
  });

  it('targets the queue SWITCHBOARD_QUEUE_URL names, with the SDK settings, over a running local system', async () => {
    const queueUrl = 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests';

    const deployed = await resolveQueueTarget({ env: { SWITCHBOARD_QUEUE_URL: queueUrl }, localConfigPath: configPath });
    const running = await resolveQueueTarget({ env: {}, localConfigPath: configPath });

    expect(deployed).toEqual({ target: { queueUrl }, describe: queueUrl });
    expect(running.target).toEqual({
      queueUrl: queues.requests.url,
      endpoint: inject('sqsEndpoint'),
      region: inject('sqsRegion'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
});

describe('switchboard send --wait', () => {
  /** Time that passes only when the wait sleeps; `onSleep` plays the orchestrator between two looks. */
  function steppingClock(onSleep: (sleeps: number) => Promise<void> = async () => undefined): WaitClock & { slept: number[] } {
    let now = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        slept.push(ms);
        await onSleep(slept.length);
      },
    };
  }

  async function decide(record: DeliveryRecord): Promise<void> {
    await log.claim({
      requestId: record.requestId,
      customerId: record.customerId,
      template: 'cart-reminder',
      createdAt: record.createdAt,
      now: new Date(record.createdAt),
      leaseMs: 60_000,
    });
    await log.finish(record);
  }

  const outcome = (requestId: string, fields: Partial<DeliveryRecord>): DeliveryRecord => ({
    requestId,
    customerId: 'c-3001',
    template: 'cart-reminder',
    status: 'SENT',
    channel: 'email',
    attempts: [{ channel: 'email', at: '2026-11-24T12:00:01.000Z', outcome: 'SENT' }],
    decision: { ranked: [{ channel: 'email', score: 0.2, reasons: ['engagement +0.08: no history, prior 20%'], components: { engagement: 0.08 } }], excluded: [] },
    timeline: [{ status: 'SENT', at: '2026-11-24T12:00:01.000Z', channel: 'email' }],
    createdAt: '2026-11-24T12:00:00.000Z',
    updatedAt: '2026-11-24T12:00:01.000Z',
    ...fields,
  });

  it('reads the record until the request is decided, and prints it as status does', async () => {
    const { out, logs, errors } = collector();
    const clock = steppingClock(async (sleeps) => {
      if (sleeps === 2) await decide(outcome('r-wait-1', {}));
    });

    const code = await send({ file: file(valid('r-wait-1')), wait: true }, out, localDeps({ clock }));

    expect(errors).toEqual([]);
    expect(code).toBe(0);
    expect(logs.slice(1)).toEqual([
      '',
      '2026-11-24 12:00:00Z  cart-reminder  SENT via email  [r-wait-1]',
      '  why',
      '    #1 email (score 0.200, sent): engagement +0.08: no history, prior 20%',
      '  timeline',
      '    2026-11-24 12:00:00Z  ACCEPTED',
      '    2026-11-24 12:00:01Z  SENT         email',
    ]);
    expect(clock.slept).toEqual([200, 400]);
    await drain();
  });

  it('stops at a deferral, which may last hours, and shows until when', async () => {
    const { out, logs } = collector();
    await decide(outcome('r-wait-2', { status: 'DEFERRED', channel: undefined, attempts: [], deferredUntil: '2026-11-25T08:00:00.000Z', timeline: [] }));

    const code = await send({ file: file(valid('r-wait-2')), wait: true }, out, localDeps({ clock: steppingClock() }));

    expect(code).toBe(0);
    expect(logs).toContain('2026-11-24 12:00:00Z  cart-reminder  DEFERRED until 2026-11-25 08:00:00Z  [r-wait-2]');
    await drain();
  });

  it('exits 1 when a request ends REJECTED or failed, and 3 when one is not decided within the timeout', async () => {
    await decide(outcome('r-wait-3', { status: 'REJECTED', channel: undefined, attempts: [], problems: [{ path: 'customerId', message: 'no customer record for "c-3001"' }] }));
    const rejected = collector();
    expect(await send({ file: file(valid('r-wait-3')), wait: true }, rejected.out, localDeps({ clock: steppingClock() }))).toBe(1);
    expect(rejected.logs).toContain('    problem: customerId: no customer record for "c-3001"');

    await log.claim({ requestId: 'r-wait-4', customerId: 'c-3001', template: 'cart-reminder', createdAt: '2026-11-24T12:00:00.000Z', now: new Date(), leaseMs: 60_000 });
    const slow = collector();
    const clock = steppingClock();
    expect(await send({ file: file([valid('r-wait-4'), valid('r-wait-5')]), wait: true, timeoutSeconds: 2 }, slow.out, localDeps({ clock }))).toBe(3);
    expect(slow.errors).toEqual([
      'r-wait-4: still ACCEPTED after 2 s; switchboard status r-wait-4 shows it later',
      'r-wait-5: not picked up yet after 2 s; switchboard status r-wait-5 shows it later',
    ]);
    expect(clock.slept).toEqual([200, 400, 800, 600]);
    await drain();
  });

  it('refuses to wait on a deployed queue without DELIVERIES_TABLE, before queueing anything', async () => {
    const { out, errors } = collector();
    const env = { TEMPLATE_BUNDLE_PATH: bundlePath, SWITCHBOARD_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests' };

    expect(await send({ file: file(valid('r-wait-6')), wait: true }, out, { env, localConfigPath: configPath })).toBe(1);
    expect(errors).toEqual(['--wait reads the delivery records: with SWITCHBOARD_QUEUE_URL, set DELIVERIES_TABLE too (nothing was queued)']);
  });
});
