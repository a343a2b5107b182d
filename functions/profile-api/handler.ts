import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadTopicRegistry } from '../adapters/bundle-template-store.js';
import { connectDynamo } from '../adapters/dynamo-connection.js';
import { DynamoConsentWriter } from '../adapters/dynamo-consent-writer.js';
import { DynamoCustomerEraser } from '../adapters/dynamo-customer-eraser.js';
import { DynamoProfileStore } from '../adapters/dynamo-profile-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readProfileApiConfig } from './config.js';
import { type ProfileApiDeps, routeProfile } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.profileApi;

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readProfileApiConfig(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const documents = connectDynamo();
const deps: ProfileApiDeps = {
  profiles: new DynamoProfileStore(documents, { tableName: config.tables.customers }),
  consent: new DynamoConsentWriter(documents, { tableName: config.tables.customers }),
  eraser: new DynamoCustomerEraser(documents, { tables: config.tables }),
  registry: loadTopicRegistry(config.templateBundlePath),
  clock: systemClock,
  log: logger,
};

async function profileApi(event: APIGatewayProxyEvent): Promise<APIGatewayProxyStructuredResultV2> {
  return routeProfile(event, deps);
}

export const handler = middy(profileApi).use(injectLambdaContext(logger));
