import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.js';
import { startSqsEmulator } from '../../functions/local/sqs-emulator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local, shared by every test file of the run; files keep apart by table prefix. */
    dynamoDbEndpoint: string;
    /** The SQS emulator, shared the same way; files keep apart by queue prefix. */
    sqsEndpoint: string;
    sqsRegion: string;
  }
}

/**
 * Starts the emulators once per run; test files read the endpoints with `inject(...)`, and
 * anything spawned from a test can read the same values from the environment.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  project.provide('sqsRegion', sqs.region);
  process.env.SWITCHBOARD_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.SWITCHBOARD_TEST_SQS_ENDPOINT = sqs.endpoint;
  return async () => {
    await Promise.allSettled([dynamo.stop(), sqs.stop()]);
  };
}
