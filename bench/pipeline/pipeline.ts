import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { localDynamoDbClient, localSqsClient } from '../../functions/local/clients.js';
import { LOCAL_AWS } from '../../functions/local/dynamodb-local.js';
import { applyEnvironment, handlerEnvironment } from '../../functions/local/handler-env.js';
import { createQueues, createTables } from '../../functions/local/provision.js';
import { type LocalSecretsManager, localLinkSigningSecret, startLocalSecretsManager } from '../../functions/local/secrets-manager-local.js';
import { pollOnce, type SqsHandler } from '../../functions/local/sqs-lambda-poller.js';
import { dynamoTableOf, instrumentSdkClients } from '../count-requests.js';
import { RequestTally } from '../request-tally.js';
import { syntheticCustomers } from '../synthetic/customers.js';
import { syntheticRequests } from '../synthetic/requests.js';
import { compiledTemplates } from '../templates.js';
import { type Emulators, startEmulators } from './emulators.js';
import { ProviderLatency } from './provider-latency.js';
import { type PipelineResult, summarize } from './results.js';
import { sampleMemory } from './memory.js';
import { enqueue } from './producer.js';
import { seedCustomers } from './seed.js';
import { inspectTables } from './tables.js';

export interface PipelineOptions {
  requests: number;
  customers: number;
  batchSize: number;
  seed: number;
  /** The function's literal environment from the stack (deep-link scheme, retention days, …). */
  functionEnvironment: Record<string, string>;
  /** Reuse a running DynamoDB Local instead of starting one. */
  dynamoDbEndpoint?: string;
  /** Write a V8 CPU profile of the pipeline process into this folder. */
  cpuProfileDir?: string;
  onProgress?: (done: number, total: number) => void;
}

const HANDLER = new URL('../../functions/orchestrator/handler.ts', import.meta.url);
const SDK_CLIENTS = [DynamoDBClient, DynamoDBDocumentClient, SQSClient, SESv2Client, SNSClient, PinpointClient];

/**
 * Requests through the SQS emulator to the real orchestrator handler, one batch at a time as one
 * warm Lambda would take them, against DynamoDB Local, the provider sandbox and local SES.
 * Before each batch the producer enqueues one batch of requests stamped with `createdAt`, so
 * latency is the system's own, not a backlog the benchmark built up.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const emulators = await startEmulators(options.dynamoDbEndpoint ? { dynamoDbEndpoint: options.dynamoDbEndpoint } : {});
  // Marketing email is only sent with a signed unsubscribe link, so the handler gets signing keys.
  const secrets = await startLocalSecretsManager({ secrets: { [LINK_SECRET]: localLinkSigningSecret() } }).catch(async (error: unknown) => {
    await emulators.stop();
    throw error;
  });
  try {
    return await measure(options, emulators, secrets);
  } finally {
    await secrets.stop();
    await emulators.stop();
  }
}

const LINK_SECRET = 'bench/link-signing';

async function measure(options: PipelineOptions, emulators: Emulators, secrets: LocalSecretsManager): Promise<PipelineResult> {
  const prefix = `bench-${randomUUID().slice(0, 8)}-`;
  const dynamo = localDynamoDbClient(emulators.dynamodb);
  const sqs = localSqsClient(emulators.sqs, emulators.region);
  const [tables, queues] = await Promise.all([createTables(dynamo, prefix), createQueues(sqs, prefix)]);
  const now = new Date();
  const customers = syntheticCustomers({ count: options.customers, seed: options.seed, now });
  await seedCustomers(createDocumentClient(dynamo), tables.customers, customers);
  const bodies = syntheticRequests({
    count: options.requests,
    seed: options.seed + 1,
    manifests: Object.values(compiledTemplates().bundle.templates).map((t) => t.manifest),
    customerIds: customers.map((c) => c.customerId),
    now,
    idPrefix: `${prefix}r-`,
    anomalies: true,
  });

  const { NODE_OPTIONS: _n, TEMPLATE_BUNDLE_PATH: _t, ...stackEnvironment } = options.functionEnvironment;
  applyEnvironment({
    ...stackEnvironment,
    ...handlerEnvironment({
      requestsQueue: { url: queues.requests.url, arn: queues.requests.arn },
      region: emulators.region,
      credentials: LOCAL_AWS.credentials,
      endpoints: { dynamodb: emulators.dynamodb, sqs: emulators.sqs, sesv2: emulators.sesv2, providerSandbox: emulators.providerSandbox },
      tables,
      pushApplicationId: emulators.pushApplicationId,
      unsubscribeBaseUrl: 'https://example.com/unsubscribe',
      linkSecret: { endpoint: secrets.endpoint, secretId: LINK_SECRET },
      logLevel: 'ERROR',
    }),
  });
  const phoneOwners = new Map(customers.flatMap((c) => (c.phone ? [[c.phone.number, c.customerId] as const] : [])));
  const latency = new ProviderLatency(phoneOwners, tables.inbox);
  const tally = new RequestTally();
  const undo = instrumentSdkClients(
    SDK_CLIENTS,
    (call) => {
      tally.record(call, resourceOf(call.input, prefix));
      latency.observe(call);
    },
    { consumedCapacity: true },
  );
  // A fresh module instance per run: the handler reads its environment once, at import.
  const { handler } = (await import(`${HANDLER.href}?run=${prefix}`)) as { handler: SqsHandler };
  const batches: { messages: number; ms: number; cpuMs: number }[] = [];
  const timed: SqsHandler = async (event, context) => {
    const requests = inFlight(event);
    latency.begin(requests);
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return await handler(event, context);
    } finally {
      const used = process.cpuUsage(cpu);
      batches.push({ messages: event.Records.length, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 });
      latency.end(requests.map((r) => r.requestId));
    }
  };

  const memory = sampleMemory();
  const started = performance.now();
  let produced = 0;
  let done = 0;
  for (let idle = 0; idle < 2;) {
    if (produced < bodies.length) {
      const batch = bodies.slice(produced, produced + options.batchSize);
      await enqueue(sqs, queues.requests.url, batch);
      produced += batch.length;
    }
    const { received, failed } = await pollOnce({ sqs, queue: queues.requests, handler: timed, batchSize: options.batchSize });
    done += received - failed;
    idle = received === 0 && produced >= bodies.length ? idle + 1 : 0;
    options.onProgress?.(Math.min(done, bodies.length), bodies.length);
  }
  const wallMs = performance.now() - started;
  const peak = memory.stop();
  const operations = tally.snapshot();
  undo();

  const stored = await inspectTables(dynamo, tables);
  dynamo.destroy();
  sqs.destroy();
  return summarize({
    requests: bodies.length,
    customers: customers.length,
    batchSize: options.batchSize,
    wallMs,
    batches,
    latency: latency.summary(),
    operations,
    memory: peak,
    stored,
  });
}

function inFlight(event: SQSEvent): { requestId: string; customerId: string; createdAt: string }[] {
  return event.Records.flatMap((record) => {
    try {
      const body = JSON.parse(record.body) as Partial<Record<'requestId' | 'customerId' | 'createdAt', unknown>>;
      const { requestId, customerId, createdAt } = body;
      return typeof requestId === 'string' && typeof customerId === 'string' && typeof createdAt === 'string' ? [{ requestId, customerId, createdAt }] : [];
    } catch {
      return [];
    }
  });
}

/** The table a DynamoDB call touched, without the run's prefix: `deliveries`, `counters`, … */
function resourceOf(input: Readonly<Record<string, unknown>>, prefix: string): string | undefined {
  const table = dynamoTableOf(input);
  return table?.startsWith(prefix) ? table.slice(prefix.length) : undefined;
}
