import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BundleTemplateStore, loadTemplateBundle } from '../../functions/adapters/bundle-template-store.js';
import { admissionProblems } from '../../functions/core/admission.js';
import { parseSendRequest } from '../../functions/core/request.js';
import { LOCAL_AWS } from '../../functions/local/dynamodb-local.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { ROOT, TEMPLATE_BUNDLE } from '../infra/synth.js';

/**
 * `examples/enqueue.ts` run as a developer runs it, against a queue on the SQS emulator described
 * the way `npm start` describes its own in `.switchboard/local.json`.
 */
const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
const dir = mkdtempSync(join(tmpdir(), 'switchboard-example-'));
let queues: QueueNames;

beforeAll(async () => {
  queues = await createQueues(sqs, `example-${Date.now()}-`);
  const local = { region: inject('sqsRegion'), credentials: LOCAL_AWS.credentials, endpoints: { sqs: inject('sqsEndpoint') }, queues: { requests: { url: queues.requests.url } } };
  writeFileSync(join(dir, 'local.json'), JSON.stringify(local));
});
afterAll(() => {
  sqs.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function runExample(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    SWITCHBOARD_LOCAL_CONFIG: join(dir, 'local.json'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/enqueue.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('examples/enqueue.ts', () => {
  it('queues its requests through the typed client, says which one it refused, and each would be admitted on any day', async () => {
    const { code, stdout, stderr } = await runExample();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^queued {3}example-\w+-order-shipped \(message .+\)$/m);
    expect(stdout).toMatch(/^invalid {2}example-\w+-repeated-channel: channels: must not repeat a channel$/m);
    expect(stdout).toContain('2 queued on the local system, 1 invalid, 0 failed');

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.requests.url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    expect(Messages).toHaveLength(2);
    const seeded = (JSON.parse(readFileSync(join(ROOT, 'functions/local/seed/customers.json'), 'utf8')) as { customer: { customerId: string } }[]).map(
      (c) => c.customer.customerId,
    );
    const templates = new BundleTemplateStore(loadTemplateBundle(TEMPLATE_BUNDLE));
    for (const message of Messages) {
      const parsed = parseSendRequest(message.Body ?? '');
      if (!parsed.ok) throw new Error(`the example queued an invalid request: ${JSON.stringify(parsed.problems)}`);
      expect(seeded).toContain(parsed.request.customerId);
      expect(admissionProblems(parsed.request, templates)).toEqual([]);
      // Not expired when it arrives: the example computes its times from the moment it runs.
      if (parsed.request.expiresAt) expect(Date.parse(parsed.request.expiresAt)).toBeGreaterThan(Date.now());
    }
  });
});
