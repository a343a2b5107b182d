import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { DocumentClient } from '../adapters/dynamo-connection.js';
import { DynamoCustomerDirectory } from '../adapters/dynamo-customer-directory.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { DynamoFeedbackStore } from '../adapters/dynamo-feedback-store.js';
import { DynamoProviderMessageIndex } from '../adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../adapters/dynamo-suppression-writer.js';
import { EventBridgeWakeCanceller } from '../adapters/eventbridge-wake-canceller.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { PowertoolsFeedbackTelemetry } from '../adapters/powertools-feedback-telemetry.js';
import { SqsDelayedWake } from '../adapters/sqs-delayed-wake.js';
import { systemClock } from '../adapters/system-clock.js';
import { defaultDecisionConfig } from '../core/config.js';
import type { FeedbackDeps } from '../core/feedback/apply.js';
import { METRICS_NAMESPACE } from '../definitions/metrics.js';
import { ENV } from '../definitions/tables.js';
import { requiredSetting } from './environment.js';
import { WakeAdvancer } from './wake-advancer.js';

/** The tables the feedback use case reads and writes; each handler's own configuration carries them. */
export interface FeedbackConfig {
  tables: { customers: string; deliveries: string };
  /**
   * Where an escalation's wake goes when an open or a click concludes it. Only the handlers that
   * record opens and clicks have it; without it the escalation ends at its next wake instead.
   */
  wakes?: WakeAdvancerSettings;
}

export interface WakeAdvancerSettings {
  /** The requests queue: the wake is sent there with no delay. */
  queueUrl: string;
  /** The group of the wake schedules: the wake's schedule, if it had one, is deleted from it. */
  scheduleGroup: string;
}

/**
 * The settings of a handler that concludes escalations, for its configuration schema. Required:
 * the stack always sets them for such a handler (`WakeSchedules.bindWakeAdvancer`), so a missing
 * one is a broken deployment, found at cold start rather than by escalations running on.
 */
export const wakeAdvancerSchema = {
  [ENV.requestsQueueUrl]: z.url({ error: 'must be the URL of the requests queue, where a wake brought forward to now is sent' }),
  [ENV.wakeScheduleGroup]: requiredSetting('EventBridge Scheduler group whose schedule a wake brought forward replaces'),
};

export function wakeAdvancerSettings(values: z.output<z.ZodObject<typeof wakeAdvancerSchema>>): WakeAdvancerSettings {
  return { queueUrl: values[ENV.requestsQueueUrl], scheduleGroup: values[ENV.wakeScheduleGroup] };
}

/**
 * The feedback use case's adapters, shared by every handler that records engagement (the
 * feedback Lambda, the inbox API, one-click unsubscribe). Endpoints come from the SDK's own
 * settings (`AWS_ENDPOINT_URL_DYNAMODB`, `_SQS`, `_SCHEDULER`), which is how local mode points
 * them at its emulators.
 */
export function composeFeedback(config: FeedbackConfig, serviceName: string, documents: DocumentClient = createDocumentClient(new DynamoDBClient(withHttpTimeouts()))) {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  const deps: FeedbackDeps = {
    store: new DynamoFeedbackStore(documents, {
      deliveriesTable: config.tables.deliveries,
      customersTable: config.tables.customers,
      // The decision reads the snapshot with the same half-life it is written with.
      halfLifeDays: defaultDecisionConfig.learning.halfLifeDays,
    }),
    index: new DynamoProviderMessageIndex(documents, { tableName: config.tables.deliveries }),
    customers: new DynamoCustomerDirectory(documents, { tableName: config.tables.customers }),
    suppressions: new DynamoSuppressionWriter(documents, { tableName: config.tables.customers }),
    telemetry: new PowertoolsFeedbackTelemetry(metrics),
    clock: systemClock,
    ...(config.wakes ? { wakes: composeWakeAdvancer(config.wakes) } : {}),
  };
  return { deps, logger, documents };
}

/** A wake brought forward to now: a message on the requests queue with no delay, then its schedule deleted. */
export function composeWakeAdvancer(settings: WakeAdvancerSettings, clientSettings = withHttpTimeouts()): WakeAdvancer {
  return new WakeAdvancer(
    // As the orchestrator's: the SDK's endpoint for the function's region serves the queue, whatever host its URL names.
    new SqsDelayedWake(new SQSClient({ ...clientSettings, useQueueUrlAsEndpoint: false }), settings.queueUrl),
    new EventBridgeWakeCanceller(new SchedulerClient(clientSettings), { groupName: settings.scheduleGroup }),
  );
}
