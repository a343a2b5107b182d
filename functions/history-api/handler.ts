import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { connectDynamo } from '../adapters/dynamo-connection.js';
import { DynamoDeliveryLog } from '../adapters/dynamo-delivery-log.js';
import { isRetryable, PermanentError } from '../core/errors.js';
import { type DeliveryHistory, historyEntry } from '../core/history.js';
import { readHistoryApiConfig } from '../feedback/config.js';
import { json, problem, readLimit, withoutStage } from '../http/responses.js';

export const SERVICE_NAME = 'switchboard-history-api';
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readHistoryApiConfig(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const history: DeliveryHistory = new DynamoDeliveryLog(connectDynamo(), { tableName: config.tables.deliveries });

const ROUTE = /^\/customers\/([^/]+)\/deliveries\/?$/;

/**
 * `GET /customers/{customerId}/deliveries?limit&cursor` for customer service, behind IAM auth on
 * the REST API (Lambda proxy, payload 1.0): newest first, each with its status, timeline and the
 * decision that picked the channel.
 */
async function historyApi(event: APIGatewayProxyEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const match = ROUTE.exec(withoutStage(event.path, event.requestContext.stage));
  if (event.httpMethod.toUpperCase() !== 'GET' || !match) return problem(404, 'NOT_FOUND', 'no such route');
  const customerId = decodeURIComponent(match[1] as string);
  const query = event.queryStringParameters ?? {};
  const limit = readLimit(query.limit, DEFAULT_PAGE, MAX_PAGE);
  if (typeof limit !== 'number') return limit;
  try {
    const page = await history.listByCustomer(customerId, { limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
    // Who looked at whose messages: access to personal history is audited.
    logger.info('history read', { caller: event.requestContext.identity.userArn, customerId, count: page.items.length });
    return json(200, { customerId, items: page.items.map(historyEntry), ...(page.cursor ? { cursor: page.cursor } : {}) });
  } catch (error) {
    if (error instanceof PermanentError && error.code === 'INVALID_CURSOR') return problem(400, 'INVALID_CURSOR', 'the cursor is not one this API returned for this customer');
    if (!isRetryable(error)) throw error;
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

export const handler = middy(historyApi).use(injectLambdaContext(logger));
