import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { composePreferences } from './composition.js';
import { readPreferencesConfig } from './config.js';
import { routePreferences } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.preferences;

// Cold start: configuration validated, registry loaded and clients built once, reused by every invocation.
const config = readPreferencesConfig(process.env);
const { deps, logger } = composePreferences(config, SERVICE_NAME);
if (!config.linkSigningSecretId) logger.warn('no link signing secret is configured: the preference centre refuses every link');

async function preferences(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  return routePreferences(event, deps);
}

export const handler = middy(preferences).use(injectLambdaContext(logger));
