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

/** Fresh tables on the shared DynamoDB Local under a prefix of their own, so test files can run side by side. */
export async function localTables(label: string): Promise<LocalTables> {
  const client = localDynamoDbClient(inject('dynamoDbEndpoint'));
  const tables = await createTables(client, `${label}-${randomUUID().slice(0, 8)}-`);
  return { client, doc: createDocumentClient(client), tables };
}
