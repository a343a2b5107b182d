import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from './dynamo-document-client.js';

export type DocumentClient = DynamoDBDocumentClient;

export interface DynamoConnection {
  region?: string;
  /** DynamoDB Local's URL; without it the SDK's own settings apply (`AWS_ENDPOINT_URL_DYNAMODB`, the region's endpoint). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The document client for handlers and tools that only name where DynamoDB is: with nothing given,
 * region, credentials and endpoint come from the environment as the SDK reads them.
 */
export function connectDynamo(connection: DynamoConnection = {}): DocumentClient {
  return createDocumentClient(
    new DynamoDBClient({
      ...(connection.region ? { region: connection.region } : {}),
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      ...(connection.credentials ? { credentials: connection.credentials } : {}),
    }),
  );
}
