import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RetryableError } from '../core/errors.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';
import { toSwitchboardError } from './aws-errors.js';

export const BATCH_GET_LIMIT = 100;
export const DEFAULT_BATCH_GET_BACKOFF: BackoffOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1000 };

type Key = Record<string, unknown>;

/**
 * One BatchGetItem of at most 100 keys, retrying what DynamoDB left unprocessed with jittered
 * backoff; a bounded number of tries, then a retryable error so the caller's message is retried.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: { name: string; label: string },
  keys: Key[],
  backoff: BackoffOptions = DEFAULT_BATCH_GET_BACKOFF,
): Promise<Record<string, unknown>[]> {
  const tableName = table.name;
  const items: Record<string, unknown>[] = [];
  let pending = keys;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const output = await client
      .send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, `${table.label} BatchGetItem`)));
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (pending.length > 0 && attempt >= backoff.maxAttempts) {
      throw new RetryableError(`${table.label} BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`, 'DYNAMO_UNPROCESSED_KEYS');
    }
    if (pending.length > 0) await (backoff.sleep ?? defaultSleep)(jitteredDelay(attempt - 1, backoff));
  }
  return items;
}
