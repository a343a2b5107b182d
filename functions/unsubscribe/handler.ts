import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { composeLinkSigner } from '../adapters/compose-link-signer.js';
import { composeFeedback } from '../composition/feedback.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readUnsubscribeConfig } from './config.js';
import { routeUnsubscribe } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.unsubscribe;

// Cold start: configuration validated and clients built once, reused by every invocation. The
// signing keys are read on the first link and cached, never at import.
const config = readUnsubscribeConfig(process.env);
const { deps, logger } = composeFeedback(config, SERVICE_NAME);
const links = composeLinkSigner(config.linkSigningSecretId);
if (!config.linkSigningSecretId) logger.error('no link signing secret is configured: every unsubscribe link is refused');

async function unsubscribe(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return routeUnsubscribe(event, { feedback: deps, links, log: logger });
}

export const handler = middy(unsubscribe).use(injectLambdaContext(logger));
