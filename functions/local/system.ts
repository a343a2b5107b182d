import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { BundleTemplateStore, loadTemplateBundle } from '../adapters/bundle-template-store.js';
import { composeLinkSigner } from '../adapters/compose-link-signer.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { SqsRequestBatch } from '../adapters/sqs-request-batch.js';
import { SqsRequestQueue } from '../adapters/sqs-request-queue.js';
import { systemClock } from '../adapters/system-clock.js';
import type { Problem } from '../core/model.js';
import { preferencesUrl } from '../core/links.js';
import { parseSendRequest } from '../core/request.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { ENV } from '../definitions/tables.js';
import { type IngestDeps, routeIngest } from '../ingest/routes.js';
import { restApiEvent } from '../tooling/api-gateway.js';
import { PREFERENCE_CENTRE_PATH } from '../definitions/paths.js';
import { localDynamoDbClient, localDynamoDbStreamsClient, localSqsClient } from './clients.js';
import { LOCAL_AWS, startDynamoDbLocal } from './dynamodb-local.js';
import { ensureTemplateBundle } from './ensure-bundle.js';
import { type DeliveryReader, dynamoDeliveryReader } from './deliveries.js';
import { FeedbackBridge } from './feedback/bridge.js';
import { applyEnvironment, handlerEnvironment } from './handler-env.js';
import { captureHandlerLogs } from './handler-logs.js';
import { loadHandlers } from './handlers.js';
import { lambdaContext } from './lambda-context.js';
import type { LocalConfig } from '../tooling/local-config.js';
import { createQueues, createTables } from './provision.js';
import { type ProviderSandbox, startProviderSandbox } from './provider-sandbox.js';
import { type LocalPriorsRefresh, startPriorsRefresh } from './priors-refresh.js';
import { type DemoCustomer, demoCustomers, demoProviderFaults, demoScenario, seedCustomers } from './seed/seed.js';
import { LOCAL_LINK_SECRET_NAME, localLinkSigningSecret, startLocalSecretsManager } from './secrets-manager-local.js';
import { type LocalSes, startLocalSes } from './ses-local.js';
import { LocalStatusEvents, localEventPublisher } from './status-events.js';
import { startStatusStream, type StatusStreamPoller } from './status-stream.js';
import { startSqsEmulator } from './sqs-emulator.js';
import { type SqsPoller, startSqsPoller } from './sqs-poller.js';
import { LocalWakeScheduler } from './wake-scheduler.js';
import {
  type HttpApiAnswer,
  type HttpApiCall,
  type HttpApiHandler,
  type HttpApiRawAnswer,
  invokeHttpApi,
  invokeHttpApiRaw,
  invokeRestApi,
  type RestApiCall,
  type RestApiHandler,
} from '../tooling/api-gateway.js';

export interface LocalPorts {
  dynamodb?: number;
  sqs?: number;
  ses?: number;
  sandbox?: number;
}

export interface LocalSystemOptions {
  ports?: LocalPorts;
  /** Base URL of the outbox page, known before the system starts (unsubscribe links point there). */
  outboxUrl: string;
  /** Prefix of table and queue names. */
  prefix?: string;
  logLevel?: string;
  /** Where the handlers' console output goes (their CloudWatch Logs); absent: left on the console. */
  handlerLogPath?: string;
  /** Also copy handler log lines to stderr. */
  echoHandlerLogs?: boolean;
  /** Where delivery status events are appended as JSON lines; absent: kept in memory only. */
  eventsPath?: string;
  progress?: (step: string) => void;
  onError?: (where: string, error: unknown) => void;
}

export interface LocalEvents {
  bus: LocalStatusEvents;
  /** The file the events are appended to, when there is one. */
  path?: string;
  /** Resolves true once every status change stored before the call was published. */
  settle(timeoutMs: number): Promise<boolean>;
}

export type EnqueueResult = { ok: true; requestId: string; messageId: string } | { ok: false; problems: Problem[] };

export interface LocalSystem {
  config: Omit<LocalConfig, 'outbox'>;
  customers: DemoCustomer[];
  documents: DynamoDBDocumentClient;
  deliveries: DeliveryReader;
  sandbox: ProviderSandbox;
  ses: LocalSes;
  /** Hands SES events and SMS status logs to the feedback handler. */
  feedback: FeedbackBridge;
  /** Deferrals and escalation steps waiting for their time; `firePending` sends them at once. */
  wakes: LocalWakeScheduler;
  /** Delivery status events, published from the deliveries table's stream by the deployed publisher's code. */
  events: LocalEvents;
  /** The learned priors, refreshed from the delivery records every minute by the deployed refresher's code. */
  priors: Pick<LocalPriorsRefresh, 'refresh'>;
  /** Calls the inbox API as the app would. */
  inboxApi: (call: HttpApiCall) => Promise<HttpApiAnswer>;
  /** Calls the one-click unsubscribe endpoint. */
  unsubscribeApi: (call: HttpApiCall) => Promise<HttpApiRawAnswer>;
  /** Calls the preference centre (page and app API). */
  preferencesApi: (call: HttpApiCall) => Promise<HttpApiRawAnswer>;
  /** Calls the service API's profile routes (`/customers/{id}`, `/context`, `/consent`). */
  profileApi: (call: RestApiCall) => Promise<HttpApiAnswer>;
  /** `POST /requests` of the service API, as the deployed ingest function answers it, with the raw body. */
  ingestApi: (body: string) => Promise<HttpApiAnswer>;
  /** A customer's signed preference centre link, as messages carry it; fails when no signing key is configured. */
  preferencesLink(customerId: string): Promise<string>;
  /** Validated with the real parser first; an invalid request never reaches the queue. */
  enqueue(body: unknown): Promise<EnqueueResult>;
  /** Enqueues the demo scenario under fresh request ids; returns them. */
  runScenario(): Promise<string[]>;
  /** True when the queue poller found the queue empty, and feedback and the status events have caught up. */
  quiet(): boolean;
  stop(): Promise<void>;
}

const FUNCTION_TIMEOUT_SECONDS = 30;
const PRIORS_REFRESH_EVERY_MS = 60_000;

/**
 * Starts every emulator, provisions and seeds them, and runs the Lambda handlers on what arrives.
 * On failure, whatever was already started is stopped again before the error is rethrown.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const stops: (() => Promise<void>)[] = [];
  const progress = options.progress ?? (() => undefined);
  const onError = options.onError ?? (() => undefined);
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => onError('stop', error));
    stops.length = 0;
  };
  try {
    progress('templates');
    await ensureTemplateBundle();

    progress('emulators');
    const ports = options.ports ?? {};
    const [dynamo, sqs, ses, sandbox, secrets] = await Promise.all([
      startDynamoDbLocal(ports.dynamodb !== undefined ? { port: ports.dynamodb } : {}).then(track(stops)),
      startSqsEmulator(ports.sqs !== undefined ? { port: ports.sqs } : {}).then(track(stops)),
      startLocalSes(ports.ses !== undefined ? { port: ports.ses } : {}).then(track(stops)),
      startProviderSandbox(ports.sandbox !== undefined ? { port: ports.sandbox } : {}).then(track(stops)),
      // There is no Secrets Manager emulator: a stand-in serves this run's own link signing keys.
      startLocalSecretsManager({ secrets: { [LOCAL_LINK_SECRET_NAME]: localLinkSigningSecret() } }).then(track(stops)),
    ]);
    const dynamoClient: DynamoDBClient = localDynamoDbClient(dynamo.endpoint);
    const sqsClient: SQSClient = localSqsClient(sqs.endpoint, sqs.region);
    stops.push(async () => {
      dynamoClient.destroy();
      sqsClient.destroy();
    });

    progress('tables and queues');
    const prefix = options.prefix ?? 'switchboard-local-';
    const [tables, queues] = await Promise.all([createTables(dynamoClient, prefix), createQueues(sqsClient, prefix)]);

    progress('demo customers');
    const documents = createDocumentClient(dynamoClient);
    const customers = demoCustomers(new Date());
    await seedCustomers(
      documents,
      tables.customers,
      customers.map((c) => c.customer),
    );
    sandbox.state.applyFaults(demoProviderFaults());

    progress('handlers');
    const region = sqs.region;
    const env = handlerEnvironment({
      requestsQueue: { url: queues.requests.url, arn: queues.requests.arn },
      region,
      credentials: LOCAL_AWS.credentials,
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, sesv2: ses.endpoint, providerSandbox: sandbox.endpoint },
      tables,
      pushApplicationId: sandbox.applicationId,
      unsubscribeBaseUrl: `${options.outboxUrl}/unsubscribe`,
      linkSecret: { endpoint: secrets.endpoint, secretId: LOCAL_LINK_SECRET_NAME },
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    });
    applyEnvironment(env);
    if (options.handlerLogPath) {
      const logs = captureHandlerLogs(options.handlerLogPath, { echo: options.echoHandlerLogs ?? false });
      stops.unshift(() => logs.restore());
    }
    const queue = new SqsRequestQueue(sqsClient, queues.requests.url);
    const wakes = new LocalWakeScheduler({
      send: async (message) => void (await queue.enqueue(JSON.stringify(message))),
      clock: systemClock,
      onError: (error) => onError('wakes', error),
    });
    stops.push(() => wakes.stop());
    const handlers = await loadHandlers(wakes);
    const links = composeLinkSigner(env[ENV.linkSigningSecretId]);
    const deliveries = dynamoDeliveryReader(documents, tables.deliveries);

    const poller: SqsPoller = startSqsPoller({
      client: sqsClient,
      queue: queues.requests,
      region,
      handler: handlers.orchestrator,
      context: () => lambdaContext('switchboard-orchestrator', FUNCTION_TIMEOUT_SECONDS, region),
      visibilityTimeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
      onError: (error) => onError('orchestrator', error),
    });
    stops.push(() => poller.stop());

    const feedback = new FeedbackBridge({
      handler: handlers.feedback,
      context: () => lambdaContext('switchboard-feedback', FUNCTION_TIMEOUT_SECONDS, region),
      ses,
      sandbox: sandbox.state,
      region,
      configurationSet: env.SES_CONFIGURATION_SET ?? 'switchboard-local',
      tagsFor: async (requestId) => {
        const record = await deliveries.get(requestId);
        return { requestId, ...(record ? { customerId: record.customerId, template: record.template, category: record.category } : {}) };
      },
      onError: (error) => onError('feedback', error),
    });
    feedback.start();
    stops.push(() => feedback.stop());

    const statusEvents = new LocalStatusEvents({ region, ...(options.eventsPath ? { path: options.eventsPath } : {}) });
    const streamsClient = localDynamoDbStreamsClient(dynamo.endpoint);
    stops.push(async () => streamsClient.destroy());
    const statusStream: StatusStreamPoller = await startStatusStream({
      dynamo: dynamoClient,
      streams: streamsClient,
      tableName: tables.deliveries,
      handler: localEventPublisher(statusEvents),
      context: () => lambdaContext('switchboard-event-publisher', FUNCTION_TIMEOUT_SECONDS, region),
      onError: (error) => onError('events', error),
    });
    stops.push(() => statusStream.stop());

    const priors = startPriorsRefresh({
      handler: handlers.priorsRefresh,
      context: () => lambdaContext('switchboard-priors-refresh', 120, region),
      everyMs: PRIORS_REFRESH_EVERY_MS,
      onError: (error) => onError('priors', error),
    });
    stops.push(() => priors.stop());
    // What an earlier run of the same tables left is learned from at once; a failure only delays it.
    await priors.refresh().catch((error: unknown) => onError('priors', error));

    // The deployed ingest code on the local queue: the same checks and answers as `POST /requests` in AWS.
    const ingestDeps: IngestDeps = {
      queue: new SqsRequestBatch(sqsClient, queues.requests.url),
      templates: new BundleTemplateStore(loadTemplateBundle(env[ENV.templateBundlePath] ?? '')),
      log: new Logger({ serviceName: SERVICE_NAMES.ingest }),
    };
    const ingestApi = async (body: string): Promise<HttpApiAnswer> => {
      const answer = await routeIngest({ ...restApiEvent({ method: 'POST', path: '/requests' }), body }, ingestDeps);
      return { statusCode: answer.statusCode ?? 200, body: typeof answer.body === 'string' ? (JSON.parse(answer.body) as unknown) : undefined };
    };

    const enqueue = async (body: unknown): Promise<EnqueueResult> => {
      const parsed = parseSendRequest(body);
      if (!parsed.ok) return { ok: false, problems: parsed.problems };
      const { messageId } = await queue.enqueue(typeof body === 'string' ? body : JSON.stringify(body));
      return { ok: true, requestId: parsed.request.requestId, messageId };
    };

    const config: LocalSystem['config'] = {
      formatVersion: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      region,
      credentials: { ...LOCAL_AWS.credentials },
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, sesv2: ses.endpoint, pinpoint: sandbox.endpoint, sns: sandbox.endpoint, sandboxControl: sandbox.controlUrl },
      tables,
      queues: { requests: { url: queues.requests.url, arn: queues.requests.arn }, deadLetter: { url: queues.deadLetter.url, arn: queues.deadLetter.arn } },
      pushApplicationId: sandbox.applicationId,
    };

    return {
      config,
      customers,
      documents,
      deliveries,
      sandbox,
      ses,
      feedback,
      wakes,
      events: { bus: statusEvents, ...(options.eventsPath ? { path: options.eventsPath } : {}), settle: (timeoutMs) => statusStream.settle(timeoutMs) },
      priors: { refresh: () => priors.refresh() },
      inboxApi: inboxCaller(handlers.inbox, region),
      unsubscribeApi: unsubscribeCaller(handlers.unsubscribe, region),
      preferencesApi: rawCaller(handlers.preferences, 'switchboard-preferences', region),
      profileApi: profileCaller(handlers.profile, region),
      ingestApi,
      preferencesLink: (customerId) => preferencesUrl(links, `${options.outboxUrl}${PREFERENCE_CENTRE_PATH}`, customerId, new Date()),
      enqueue,
      async runScenario() {
        const run = `demo-${randomUUID().slice(0, 6)}`;
        const ids: string[] = [];
        for (const request of demoScenario(new Date(), run)) {
          const result = await enqueue(request);
          if (!result.ok) throw new Error(`demo request ${request.requestId} is invalid: ${result.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
          ids.push(result.requestId);
        }
        return ids;
      },
      quiet: () => poller.idle() && feedback.pending() === 0 && statusStream.idle(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function inboxCaller(handler: HttpApiHandler, region: string) {
  return (call: HttpApiCall) => invokeHttpApi(handler, call, lambdaContext('switchboard-inbox-api', 10, region));
}

function unsubscribeCaller(handler: HttpApiHandler, region: string) {
  return (call: HttpApiCall) => invokeHttpApiRaw(handler, call, lambdaContext('switchboard-unsubscribe', 10, region));
}

function profileCaller(handler: RestApiHandler, region: string) {
  return (call: RestApiCall) => invokeRestApi(handler, call, lambdaContext('switchboard-profile-api', 28, region));
}

function rawCaller(handler: HttpApiHandler, functionName: string, region: string) {
  return (call: HttpApiCall) => invokeHttpApiRaw(handler, call, lambdaContext(functionName, 10, region));
}

/** Registers a started service's stop as soon as it is up, so a later failure stops it too. */
function track<T extends { stop(): Promise<void> }>(stops: (() => Promise<void>)[]): (service: T) => T {
  return (service) => {
    stops.push(() => service.stop());
    return service;
  };
}
