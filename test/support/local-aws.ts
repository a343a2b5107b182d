import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-document-client.js';
import { localDynamoDbClient } from '../../functions/local/clients.js';
import { createTables, type TableNames } from '../../functions/local/provision.js';

export interface LocalTables {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tables: TableNames;
}

/**
 * Fresh tables on the shared DynamoDB Local under a prefix of their own, so test files can run side
 * by side. Without expiry: tests pin their clocks to fixed dates, and DynamoDB Local would delete
 * what those dates make expired as soon as it is written.
 */
export async function localTables(label: string): Promise<LocalTables> {
  const client = localDynamoDbClient(inject('dynamoDbEndpoint'));
  const tables = await createTables(client, `${label}-${randomUUID().slice(0, 8)}-`, { timeToLive: false });
  return { client, doc: createDocumentClient(client), tables };
}

/**
 * Fresh tables, with the process environment pointed at them the way the stack configures a
 * handler, so a handler module imported afterwards reads them at its cold start.
 *
 * The handlers that conclude escalations also need the wake settings. By default they name a
 * queue on the SQS emulator that does not exist and a Scheduler endpoint nothing listens on, so
 * no call leaves the machine; a test that brings wakes forward passes a queue it created.
 */
export async function handlerTables(label: string, env: Record<string, string> = {}): Promise<LocalTables> {
  const local = await localTables(label);
  const sqsEndpoint = inject('sqsEndpoint');
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
    CUSTOMERS_TABLE: local.tables.customers,
    DELIVERIES_TABLE: local.tables.deliveries,
    INBOX_TABLE: local.tables.inbox,
    COUNTERS_TABLE: local.tables.counters,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
    REQUESTS_QUEUE_URL: `${sqsEndpoint}/000000000000/${label}-no-such-queue`,
    WAKE_SCHEDULE_GROUP: `${label}-wakes`,
    ...env,
  });
  return local;
}
