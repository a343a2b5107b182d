import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from './dynamo-document-client.js';

export type DocumentClient = DynamoDBDocumentClient;

/**
 * The document client for handlers and tools that only name where DynamoDB is: with nothing given,
 * region, credentials and endpoint come from the environment as the SDK reads them. `endpoint` is
 * DynamoDB Local's URL; without it the SDK's own settings apply (`AWS_ENDPOINT_URL_DYNAMODB`, the
 * region's endpoint).
 */
export function connectDynamo(connection: { region?: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): DocumentClient {
  return createDocumentClient(
    new DynamoDBClient({
      ...(connection.region ? { region: connection.region } : {}),
      ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
      ...(connection.credentials ? { credentials: connection.credentials } : {}),
    }),
  );
}
