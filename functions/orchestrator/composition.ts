import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BundleTemplateStore, loadTemplateBundle } from '../adapters/bundle-template-store.js';
import { composeLinkSigner } from '../adapters/compose-link-signer.js';
import { DynamoCustomerDirectory } from '../adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../adapters/dynamo-delivery-log.js';
import { DynamoEngagementRecorder } from '../adapters/dynamo-engagement-recorder.js';
import { DynamoProviderMessageIndex } from '../adapters/dynamo-provider-message-index.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { DynamoFrequencyCounter } from '../adapters/dynamo-frequency-counter.js';
import { DynamoInboxSender } from '../adapters/dynamo-inbox-sender.js';
import { DynamoPriorsStore } from '../adapters/dynamo-priors-store.js';
import { EventBridgeWakeScheduler } from '../adapters/eventbridge-wake-scheduler.js';
import { longestCallMs, withHttpTimeouts } from '../adapters/http-timeouts.js';
import { JitteredWriteRetry } from '../adapters/jittered-retry.js';
import { PinpointPushSender } from '../adapters/pinpoint-push-sender.js';
import { PowertoolsTelemetry } from '../adapters/powertools-telemetry.js';
import { SesEmailSender } from '../adapters/ses-email-sender.js';
import { SnsSmsSender } from '../adapters/sns-sms-sender.js';
import { SqsDelayedWake } from '../adapters/sqs-delayed-wake.js';
import { systemClock } from '../adapters/system-clock.js';
import { RoutedWakeScheduler } from '../composition/wake-scheduler.js';
import { defaultDecisionConfig } from '../core/config.js';
import { CachedPriors, type CachedPriorsOptions, DEFAULT_PRIORS_CACHE } from '../core/learning/cached-priors.js';
import { codeOf } from '../core/errors.js';
import type { OrchestratorDeps } from '../core/orchestrate.js';
import type { Senders, WakeScheduler } from '../core/ports.js';
import { CustomerRenderer } from '../core/render/customer-renderer.js';
import { Renderer } from '../core/render/renderer.js';
import { METRICS_NAMESPACE, ORCHESTRATOR_SERVICE_NAME as SERVICE_NAME } from '../definitions/metrics.js';
import { ORCHESTRATOR_LEASE_MS, requestsQueue } from '../definitions/tables.js';
import type { OrchestratorConfig, WakeSettings } from './config.js';

/** The record writes after a send, with their in-process retries. */
const FINISHING_WRITES_MS = 3_000;

/**
 * The composition root: every SDK client and adapter of the orchestrator, built once.
 * Endpoints come from the SDK's own settings (`AWS_ENDPOINT_URL_<SERVICE>`), which is how local
 * mode points the same code at the emulators.
 */
export function composeOrchestrator(config: OrchestratorConfig, options: { priorsCache?: Partial<CachedPriorsOptions> } = {}) {
  const logger = new Logger({ serviceName: SERVICE_NAME });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const clientSettings = withHttpTimeouts();
  const documents = createDocumentClient(new DynamoDBClient(clientSettings));
  const signer = composeLinkSigner(config.links.secretId);
  if (!config.links.secretId) logger.warn('no link signing secret is configured: marketing email and every message that shows a link will fail on that channel');

  const senders: Senders = {
    email: new SesEmailSender(new SESv2Client(clientSettings), {
      fromAddress: config.email.fromAddress,
      configurationSetName: config.email.configurationSet,
      unsubscribeBaseUrl: config.links.unsubscribeBaseUrl,
      signer,
    }),
    sms: new SnsSmsSender(new SNSClient(clientSettings), config.sms),
    in_app: new DynamoInboxSender(documents, { tableName: config.tables.inbox, retentionDays: config.retentionDays.inbox }),
    ...(config.pushApplicationId
      ? {
          push: new PinpointPushSender(new PinpointClient(clientSettings), {
            applicationId: config.pushApplicationId,
            ...(config.appDeepLinkScheme ? { deepLinkScheme: config.appDeepLinkScheme } : {}),
          }),
        }
      : {}),
  };
  if (!senders.push) logger.info('push is off: no Pinpoint application is configured');

  const deps: OrchestratorDeps = {
    customers: new DynamoCustomerDirectory(documents, { tableName: config.tables.customers }),
    deliveries: new DynamoDeliveryLog(documents, { tableName: config.tables.deliveries, retentionDays: config.retentionDays.deliveries }),
    counter: new DynamoFrequencyCounter(documents, { tableName: config.tables.counters }),
    engagement: new DynamoEngagementRecorder(documents, { tableName: config.tables.customers }),
    providerMessages: new DynamoProviderMessageIndex(documents, { tableName: config.tables.deliveries, retentionDays: config.retentionDays.deliveries }),
    templates: new BundleTemplateStore(loadTemplateBundle(config.templateBundlePath)),
    senders,
    renderer: new CustomerRenderer(new Renderer(config.appDeepLinkScheme ? { appScheme: config.appDeepLinkScheme } : {}), {
      signer,
      unsubscribeBaseUrl: config.links.unsubscribeBaseUrl,
      preferencesBaseUrl: config.links.preferencesBaseUrl,
    }),
    telemetry: new PowertoolsTelemetry(metrics, logger, { namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    clock: systemClock,
    decisionConfig: defaultDecisionConfig,
    leaseMs: ORCHESTRATOR_LEASE_MS,
    concurrency: 32,
    writeRetry: new JitteredWriteRetry(),
    // Room for the slowest provider call and then the record writes after it.
    reserveMs: longestCallMs() + FINISHING_WRITES_MS,
    maxReceives: requestsQueue.maxReceiveCount,
    scheduler: composeWakeScheduler(config.wakes, clientSettings),
    // Read once per few minutes per warm function; the refresher writes them once an hour.
    priors: new CachedPriors(new DynamoPriorsStore(documents, { tableName: config.tables.counters }), systemClock, {
      ...DEFAULT_PRIORS_CACHE,
      ...options.priorsCache,
      onError: (error) => logger.warn('learned priors could not be read; the configured priors decide meanwhile', { code: codeOf(error) }),
    }),
  };
  return { deps, logger };
}

/** Wakes soon as delayed messages on the requests queue, later ones as one-time EventBridge schedules. */
export function composeWakeScheduler(wakes: WakeSettings, clientSettings = withHttpTimeouts()): WakeScheduler {
  return new RoutedWakeScheduler(
    // The queue is in the function's own region, so the SDK's endpoint for it serves it (locally,
    // `AWS_ENDPOINT_URL_SQS`), whatever host its URL names: an emulator's may not resolve.
    new SqsDelayedWake(new SQSClient({ ...clientSettings, useQueueUrlAsEndpoint: false }), wakes.queueUrl),
    new EventBridgeWakeScheduler(new SchedulerClient(clientSettings), {
      groupName: wakes.scheduleGroup,
      queueArn: wakes.queueArn,
      roleArn: wakes.roleArn,
      deadLetterQueueArn: wakes.deadLetterQueueArn,
    }),
  );
}
