import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoInboxStore } from '../adapters/dynamo-inbox-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { composeFeedback } from '../composition/feedback.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readInboxApiConfig } from './config.js';
import { routeInbox } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.inboxApi;

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readInboxApiConfig(process.env);
const { deps: feedback, logger, documents } = composeFeedback(config, SERVICE_NAME);
const inbox = new DynamoInboxStore(documents, { tableName: config.tables.inbox });

async function inboxApi(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  return routeInbox(event, { inbox, feedback, clock: systemClock }, logger);
}

export const handler = middy(inboxApi).use(injectLambdaContext(logger));
