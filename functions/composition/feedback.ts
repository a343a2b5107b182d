import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DocumentClient } from '../adapters/dynamo-connection.js';
import { DynamoCustomerDirectory } from '../adapters/dynamo-customer-directory.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { DynamoFeedbackStore } from '../adapters/dynamo-feedback-store.js';
import { DynamoProviderMessageIndex } from '../adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../adapters/dynamo-suppression-writer.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { PowertoolsFeedbackTelemetry } from '../adapters/powertools-feedback-telemetry.js';
import { systemClock } from '../adapters/system-clock.js';
import type { FeedbackDeps } from '../core/feedback/apply.js';
import { METRICS_NAMESPACE } from '../definitions/metrics.js';

/** The tables the feedback use case reads and writes; each handler's own configuration carries them. */
export interface FeedbackConfig {
  tables: { customers: string; deliveries: string };
}

/**
 * The feedback use case's adapters, shared by every handler that records engagement (the
 * feedback Lambda, the inbox API, one-click unsubscribe). Endpoints come from the SDK's own
 * settings (`AWS_ENDPOINT_URL_DYNAMODB`), which is how local mode points them at DynamoDB Local.
 */
export function composeFeedback(config: FeedbackConfig, serviceName: string, documents: DocumentClient = createDocumentClient(new DynamoDBClient(withHttpTimeouts()))) {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  const deps: FeedbackDeps = {
    store: new DynamoFeedbackStore(documents, { deliveriesTable: config.tables.deliveries, customersTable: config.tables.customers }),
    index: new DynamoProviderMessageIndex(documents, { tableName: config.tables.deliveries }),
    customers: new DynamoCustomerDirectory(documents, { tableName: config.tables.customers }),
    suppressions: new DynamoSuppressionWriter(documents, { tableName: config.tables.customers }),
    telemetry: new PowertoolsFeedbackTelemetry(metrics),
    clock: systemClock,
  };
  return { deps, logger, documents };
}
