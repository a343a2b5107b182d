import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { composeFeedback } from '../feedback/composition.js';
import { readUnsubscribeConfig } from '../feedback/config.js';
import { routeUnsubscribe } from './routes.js';

export const SERVICE_NAME = 'switchboard-unsubscribe';

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readUnsubscribeConfig(process.env);
const { deps, logger } = composeFeedback(config, SERVICE_NAME);
if (!config.unsubscribeSecret) logger.warn('unsubscribe links are not signed: fit for local mode only');

async function unsubscribe(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return routeUnsubscribe(event, { feedback: deps, log: logger, ...(config.unsubscribeSecret ? { secret: config.unsubscribeSecret } : {}) });
}

export const handler = middy(unsubscribe).use(injectLambdaContext(logger));
