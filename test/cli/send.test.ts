import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveQueueTarget, send } from '../../functions/cli/commands/send.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { type LocalConfig, writeLocalConfig } from '../../functions/tooling/local-config.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder, writeBundle } from '../../functions/template-compiler/index.js';

const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-send-'));
const configPath = join(dir, 'local.json');
const bundlePath = join(dir, 'templates.bundle.json');
const bundleWithoutRegistryPath = join(dir, 'no-registry.bundle.json');
let queues: QueueNames;

beforeAll(async () => {
  const { bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR);
  await writeBundle(bundlePath, bundle);
  await writeBundle(bundleWithoutRegistryPath, { ...bundle, topics: undefined });
  queues = await createQueues(sqs, `cli-send-${randomUUID().slice(0, 8)}-`);
  const config: LocalConfig = {
    formatVersion: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    region: inject('sqsRegion'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: {
      dynamodb: 'http://127.0.0.1:1',
      sqs: inject('sqsEndpoint'),
      sesv2: 'http://127.0.0.1:1',
      pinpoint: 'http://127.0.0.1:1',
      sns: 'http://127.0.0.1:1',
      sandboxControl: 'http://127.0.0.1:1',
    },
    tables: { customers: 'c', deliveries: 'd', inbox: 'i', counters: 'n' },
    queues: { requests: queues.requests, deadLetter: queues.deadLetter },
    pushApplicationId: 'local',
    outbox: { url: 'http://127.0.0.1:1', templatesUrl: 'http://127.0.0.1:1/templates', apiUrl: 'http://127.0.0.1:1/api' },
  };
  await writeLocalConfig(config, configPath);
});
afterAll(() => sqs.destroy());

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

const valid = (requestId: string) => ({ requestId, customerId: 'c-3001', template: 'cart-reminder', data: { itemName: 'Jumper' } });

describe('switchboard send', () => {
  it('queues a valid request on the running local system, exactly as written', async () => {
    const { out, logs } = collector();

    const code = await send({ file: file(valid('r-send-1')) }, out, { env: {}, localConfigPath: configPath });

    expect(code).toBe(0);
    expect(logs[0]).toMatch(/^queued r-send-1 \(message \S+\) on the local system$/);
    expect((await drain()).map((body) => JSON.parse(body))).toEqual([valid('r-send-1')]);
  });

  it('reads standard input with "-" and takes an array of requests', async () => {
    const { out, logs } = collector();

    const code = await send({ file: '-' }, out, { env: {}, localConfigPath: configPath, stdin: async () => JSON.stringify([valid('r-send-2'), valid('r-send-3')]) });

    expect(code).toBe(0);
    expect(logs).toHaveLength(2);
    expect((await drain()).map((body) => JSON.parse(body).requestId).sort()).toEqual(['r-send-2', 'r-send-3']);
  });

  it('queues nothing when one request is invalid, and lists every problem with its path', async () => {
    const { out, errors } = collector();
    const broken = { requestId: 'bad id!', customerId: 'c-3001', template: 'cart-reminder', channels: ['fax'], colour: 'red' };

    const code = await send({ file: file([valid('r-send-4'), broken]) }, out, { env: {}, localConfigPath: configPath });

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

  describe('with the topic registry of the local build', () => {
    const withBundle = (path: string) => ({ env: { TEMPLATE_BUNDLE_PATH: path }, localConfigPath: configPath });
    const relabelled = (requestId: string) => ({ ...valid(requestId), category: 'transactional', topic: 'promotion' });

    it('queues nothing when a category or topic would be rejected, and lists every problem', async () => {
      const { out, errors } = collector();
      const everyTopic = { ...valid('r-send-8'), topic: '*' };

      const code = await send({ file: file([valid('r-send-6'), relabelled('r-send-7'), everyTopic]) }, out, withBundle(bundlePath));

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

      const code = await send({ file: file(request) }, out, withBundle(bundlePath));

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

      const code = await send({ file: file(request) }, out, withBundle(path));

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
    const local = await resolveQueueTarget({ env: {}, localConfigPath: configPath });

    expect(deployed).toEqual({ target: { queueUrl }, describe: queueUrl });
    expect(local.target).toEqual({
      queueUrl: queues.requests.url,
      endpoint: inject('sqsEndpoint'),
      region: inject('sqsRegion'),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
});
