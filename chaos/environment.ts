import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/adapters/dynamo-document-client.js';
import { localDynamoDbClient, localSqsClient } from '../functions/local/clients.js';
import { LOCAL_AWS, startDynamoDbLocal } from '../functions/local/dynamodb-local.js';
import { ensureTemplateBundle } from '../functions/local/ensure-bundle.js';
import { applyEnvironment, handlerEnvironment } from '../functions/local/handler-env.js';
import { type ProviderSandbox, startProviderSandbox } from '../functions/local/provider-sandbox.js';
import { createQueues, createTables, type QueueNames, type TableNames } from '../functions/local/provision.js';
import { FaultTally, SeededFaults } from '../functions/local/sandbox/seeded-faults.js';
import { type LocalSes, startLocalSes } from '../functions/local/ses-local.js';
import { LOCAL_LINK_SECRET_NAME, localLinkSigningSecret, startLocalSecretsManager } from '../functions/local/secrets-manager-local.js';
import { startSqsEmulator } from '../functions/local/sqs-emulator.js';
import { answerDynamoDb, answerSes, classifyDynamoDb, classifySes, DYNAMODB_FAULTS, type DynamoDbFault, SES_FAULTS, type SesFault } from './aws-faults.js';
import { type AcceptedEmail, acceptedEmail } from './accepted-email.js';
import { type FaultProxy, startFaultProxy } from './proxy.js';
import type { ChaosSettings, FaultRates } from './settings.js';

export interface Emulators {
  /** Reuse running emulators (the test run shares one DynamoDB Local and one SQS emulator). */
  dynamoDbEndpoint?: string;
  sqsEndpoint?: string;
  sqsRegion?: string;
}

export interface ChaosEnvironment {
  prefix: string;
  tables: TableNames;
  queues: QueueNames;
  region: string;
  sqs: SQSClient;
  /** Straight to DynamoDB Local, past the fault proxy: the run's own reads and writes. */
  documents: DynamoDBDocumentClient;
  sandbox: ProviderSandbox;
  ses: LocalSes;
  tallies: { dynamodb: FaultTally; ses: FaultTally };
  /** When each in-app item (by sort key) was written, as the proxy saw DynamoDB accept it. */
  inboxWrites: Map<string, number>;
  /** When the local SES accepted each email, by message id. */
  emailTimes: Map<string, number>;
  onEmailAccepted(listener: (email: AcceptedEmail) => void): void;
  stop(): Promise<void>;
}

/**
 * Everything the run needs, on loopback: DynamoDB Local, the SQS emulator, local SES and the
 * provider sandbox (all started here unless given), seeded fault proxies in front of DynamoDB and
 * SES, fresh tables and queues, and the handlers' environment pointed at the proxies and the
 * sandbox (whose own seeded failures stand for the push and SMS providers').
 */
export async function startChaosEnvironment(settings: ChaosSettings, emulators: Emulators = {}): Promise<ChaosEnvironment> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    await ensureTemplateBundle();
    const dynamoEndpoint = emulators.dynamoDbEndpoint ?? (await track(stops, await startDynamoDbLocal())).endpoint;
    const sqsEmulator = emulators.sqsEndpoint ? { endpoint: emulators.sqsEndpoint, region: emulators.sqsRegion ?? LOCAL_AWS.region } : await track(stops, await startSqsEmulator());
    const ses = await track(stops, await startLocalSes());
    const sandbox = await track(stops, await startProviderSandbox({ maxRecorded: 1_000_000 }));
    // Marketing email carries signed links; without the keys it would fail closed, as deployed.
    const secrets = await track(stops, await startLocalSecretsManager({ secrets: { [LOCAL_LINK_SECRET_NAME]: localLinkSigningSecret() } }));
    const dynamoClient: DynamoDBClient = localDynamoDbClient(dynamoEndpoint);
    const sqs = localSqsClient(sqsEmulator.endpoint, sqsEmulator.region);
    stops.push(async () => {
      dynamoClient.destroy();
      sqs.destroy();
    });

    const prefix = `chaos-${settings.seed}-${Date.now().toString(36)}-`;
    const [tables, queues] = await Promise.all([createTables(dynamoClient, prefix), createQueues(sqs, prefix)]);
    const documents = createDocumentClient(dynamoClient);
    await warmUp(documents, tables.counters);

    const tallies = { dynamodb: new FaultTally(), ses: new FaultTally() };
    const inboxWrites = new Map<string, number>();
    const emailTimes = new Map<string, number>();
    const emailListeners: ((email: AcceptedEmail) => void)[] = [];
    const dynamoProxy: FaultProxy = await track(
      stops,
      await startFaultProxy<DynamoDbFault>({
        upstream: dynamoEndpoint,
        classify: classifyDynamoDb(prefix),
        faults: new SeededFaults({ ...rates(settings.seed, settings.faults.dynamodb), kinds: weights(DYNAMODB_FAULTS) }),
        tally: tallies.dynamodb,
        answer: answerDynamoDb,
        observe: (call, status, _body, at) => {
          if (status !== 200 || call.operation !== 'DynamoDB PutItem inbox') return;
          const sk = /"sk":\{"S":"([^"]+)"\}/.exec(call.body)?.[1];
          if (sk && !inboxWrites.has(sk)) inboxWrites.set(sk, at);
        },
      }),
    );
    const sesProxy: FaultProxy = await track(
      stops,
      await startFaultProxy<SesFault>({
        upstream: ses.endpoint,
        classify: classifySes,
        faults: new SeededFaults({ ...rates(settings.seed + 1, settings.faults.ses), kinds: weights(SES_FAULTS) }),
        tally: tallies.ses,
        answer: answerSes,
        observes: (operation) => operation === 'SESv2 SendEmail',
        observe: (call, status, body, at) => {
          if (status !== 200 || call.operation !== 'SESv2 SendEmail') return;
          const accepted = acceptedEmail(call.body, body, at);
          if (!accepted) return;
          emailTimes.set(accepted.messageId, at);
          for (const listener of emailListeners) listener(accepted);
        },
      }),
    );
    await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
    sandbox.state.applyFaults({
      seeded: { seed: settings.seed + 2, rate: settings.faults.providers.rate, maxBurst: settings.faults.providers.maxBurst, burstiness: settings.faults.providers.burstiness },
    });

    applyEnvironment(
      handlerEnvironment({
        requestsQueue: { url: queues.requests.url, arn: queues.requests.arn },
        region: sqsEmulator.region,
        credentials: LOCAL_AWS.credentials,
        endpoints: { dynamodb: dynamoProxy.url, sqs: sqsEmulator.endpoint, sesv2: sesProxy.url, providerSandbox: sandbox.endpoint },
        tables,
        pushApplicationId: sandbox.applicationId,
        unsubscribeBaseUrl: 'https://fernhill.example/unsubscribe',
        linkSecret: { endpoint: secrets.endpoint, secretId: LOCAL_LINK_SECRET_NAME },
        logLevel: 'INFO',
      }),
    );
    // What the deployed functions write to CloudWatch Logs includes their metrics; they are scanned too.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';

    return {
      prefix,
      tables,
      queues,
      region: sqsEmulator.region,
      sqs,
      documents,
      sandbox,
      ses,
      tallies,
      inboxWrites,
      emailTimes,
      onEmailAccepted: (listener) => emailListeners.push(listener),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A fresh DynamoDB Local answers slowly until the JVM has compiled its hot paths; the run should not measure that. */
async function warmUp(documents: DynamoDBDocumentClient, table: string): Promise<void> {
  const lanes = Array.from({ length: 16 }, async (_, lane) => {
    for (let i = 0; i < 60; i++) {
      const Key = { counterKey: `warm-up#${lane}#${i % 5}` };
      await documents.send(
        new UpdateCommand({ TableName: table, Key, UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':one': 1 } }),
      );
      await documents.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }));
    }
  });
  await Promise.all(lanes);
}

function rates(seed: number, faults: FaultRates) {
  return { seed, rate: faults.rate, maxBurst: faults.maxBurst, burstiness: faults.burstiness };
}

function weights<K extends string>(kinds: readonly K[]): Partial<Record<K, number>> {
  return Object.fromEntries(kinds.map((kind) => [kind, 1])) as Partial<Record<K, number>>;
}

async function track<T extends { stop(): Promise<void> }>(stops: (() => Promise<void>)[], service: T): Promise<T> {
  stops.push(() => service.stop());
  return service;
}
