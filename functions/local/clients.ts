import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_AWS } from './dynamodb-local.js';

/** Clients for the local emulators: fixed dummy credentials, so no AWS profile is ever read. */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_AWS, endpoint });
}

/** DynamoDB Local serves its tables' streams on the same endpoint. */
export function localDynamoDbStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint });
}

export function localSqsClient(endpoint: string, region: string = LOCAL_AWS.region): SQSClient {
  // The emulator's queue URLs name an unresolvable host: always send to the endpoint instead.
  return new SQSClient({ ...LOCAL_AWS, region, endpoint, useQueueUrlAsEndpoint: false });
}
