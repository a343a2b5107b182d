import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BundleTemplateStore, loadTemplateBundle } from '../adapters/bundle-template-store.js';
import { withHttpTimeouts } from '../adapters/http-timeouts.js';
import { SqsRequestBatch } from '../adapters/sqs-request-batch.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readIngestConfig } from './config.js';
import { type IngestDeps, routeIngest } from './routes.js';

export const SERVICE_NAME = SERVICE_NAMES.ingest;

// Cold start: configuration validated, the bundle read and clients built once, reused by every invocation.
const config = readIngestConfig(process.env);
const logger = new Logger({ serviceName: SERVICE_NAME });
const deps: IngestDeps = {
  // As the orchestrator's: the SDK's endpoint for the function's region serves the queue, whatever host its URL names.
  queue: new SqsRequestBatch(new SQSClient({ ...withHttpTimeouts(), useQueueUrlAsEndpoint: false }), config.queueUrl),
  templates: new BundleTemplateStore(loadTemplateBundle(config.templateBundlePath)),
  log: logger,
};

async function ingest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyStructuredResultV2> {
  return routeIngest(event, deps);
}

export const handler = middy(ingest).use(injectLambdaContext(logger));
