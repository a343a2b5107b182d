import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliverySample } from '../adapters/dynamo-delivery-sample.js';
import { createDocumentClient } from '../adapters/dynamo-document-client.js';
import { DynamoPriorsStore } from '../adapters/dynamo-priors-store.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { systemClock } from '../adapters/system-clock.js';
import { defaultDecisionConfig } from '../core/config.js';
import type { RefreshDeps } from '../core/learning/refresh.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import type { PriorsRefreshConfig } from './config.js';

/** The refresher's ports: the deliveries table to read, the counters table to keep the priors in. */
export function composePriorsRefresh(config: PriorsRefreshConfig): { deps: RefreshDeps; logger: Logger } {
  const documents = createDocumentClient(new DynamoDBClient(withHttpTimeouts()));
  return {
    deps: {
      deliveries: new DynamoDeliverySample(documents, { tableName: config.tables.deliveries }),
      store: new DynamoPriorsStore(documents, { tableName: config.tables.counters }),
      clock: systemClock,
      decisionConfig: defaultDecisionConfig,
    },
    logger: new Logger({ serviceName: SERVICE_NAMES.priorsRefresh }),
  };
}
