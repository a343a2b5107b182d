import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { connectDynamo } from '../adapters/dynamo-connection.js';
import { DynamoDeliveryLog } from '../adapters/dynamo-delivery-log.js';
import { DynamoProfileStore } from '../adapters/dynamo-profile-store.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readHistoryApiConfig } from './config.js';
import { routeHistory } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.historyApi;

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readHistoryApiConfig(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const documents = connectDynamo();
const history = new DynamoDeliveryLog(documents, { tableName: config.tables.deliveries });
const consent = new DynamoProfileStore(documents, { tableName: config.tables.customers });

async function historyApi(event: APIGatewayProxyEvent): Promise<APIGatewayProxyStructuredResultV2> {
  return routeHistory(event, { history, deliveries: history, consent, log: logger });
}

export const handler = middy(historyApi).use(injectLambdaContext(logger));
