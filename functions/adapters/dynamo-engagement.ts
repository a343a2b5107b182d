import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ENGAGEMENT_COUNTERS, type EngagementDelta } from '../core/feedback/engagement.js';
import { snapshotAt } from '../core/learning/evidence.js';
import type { Channel, ChannelEngagement } from '../core/model.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

/**
 * The parts of an update that add `delta` to `engagement.<channel>` on the customers table.
 * `ADD` below a map that does not exist yet is rejected ("document path … invalid"), so writers
 * try it first and, on that error, create the maps with `ensureEngagementMaps` and try again:
 * after a customer's first event on a channel it is one write.
 */
export function engagementAdd(channel: Channel, delta: EngagementDelta): { expression: string; names: Record<string, string>; values: Record<string, number> } {
  const names: Record<string, string> = { '#engagement': 'engagement', '#channel': channel };
  const values: Record<string, number> = {};
  const adds: string[] = [];
  for (const counter of ENGAGEMENT_COUNTERS) {
    const amount = delta[counter];
    if (amount === undefined || amount === 0 || !Number.isFinite(amount)) continue;
    names[`#${counter}`] = counter;
    values[`:${counter}`] = amount;
    adds.push(`#engagement.#channel.#${counter} :${counter}`);
  }
  return { expression: adds.length > 0 ? `ADD ${adds.join(', ')}` : '', names, values };
}

export type MapsState = 'ready' | 'no_customer';

/**
 * Creates `engagement` and `engagement.<channel>` where missing, without touching what exists and
 * without ever creating a customer: every write requires the item to be there already.
 */
export async function ensureEngagementMaps(client: DynamoDBDocumentClient, tableName: string, customerId: string, channel: Channel): Promise<MapsState> {
  const names = { '#customerId': 'customerId', '#engagement': 'engagement' };
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { customerId },
        UpdateExpression: 'SET #engagement = :engagement',
        ConditionExpression: 'attribute_exists(#customerId) AND attribute_not_exists(#engagement)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':engagement': { [channel]: {} } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'ready';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (engagement map)');
    if (!error.Item) return 'no_customer';
    const existing = (error.Item.engagement as { M?: Record<string, unknown> } | undefined)?.M;
    if (existing?.[channel] !== undefined) return 'ready';
  }
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { customerId },
        UpdateExpression: 'SET #engagement.#channel = :empty',
        ConditionExpression: 'attribute_exists(#customerId) AND attribute_not_exists(#engagement.#channel)',
        ExpressionAttributeNames: { ...names, '#channel': channel },
        ExpressionAttributeValues: { ':empty': {} },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'ready';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (engagement channel map)');
    return error.Item ? 'ready' : 'no_customer';
  }
}

/**
 * `lastEngagedAt` only ever moves later: events arrive out of order, and an old open must not
 * hide a newer click. Idempotent, so writers run it before the write that marks the event seen:
 * a retry after a failure in between repeats it instead of losing it.
 */
export async function touchLastEngaged(client: DynamoDBDocumentClient, tableName: string, customerId: string, channel: Channel, at: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId },
          UpdateExpression: 'SET #engagement.#channel.#last = :at',
          ConditionExpression: 'attribute_exists(#engagement.#channel) AND (attribute_not_exists(#engagement.#channel.#last) OR #engagement.#channel.#last < :at)',
          ExpressionAttributeNames: { '#engagement': 'engagement', '#channel': channel, '#last': 'lastEngagedAt' },
          ExpressionAttributeValues: { ':at': at },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (lastEngagedAt)');
      // Failed because a later time is already there, or because there is nothing to write into yet.
      const channelMap = (error.Item?.engagement as { M?: Record<string, unknown> } | undefined)?.M?.[channel];
      if (channelMap !== undefined || attempt > 0) return;
      if ((await ensureEngagementMaps(client, tableName, customerId, channel)) === 'no_customer') return;
    }
  }
}

/** A snapshot write that lost a race reads again and tries again; after this many tries it is left. */
const SNAPSHOT_TRIES = 3;

/**
 * Dates what the counters hold: `engagement.<channel>.recent` becomes the evidence faded as of
 * `at` (`snapshotAt`, docs/decision.md, "Learning"). Writers run it once the counter has moved,
 * so the snapshot is worked out from counters already written: its `countedDelivered` and
 * `countedEngaged` are theirs, it never counts what they did not, and an event delivered again
 * (stopped by its seen mark before any write) cannot count in it twice.
 *
 * The write holds only while the snapshot is still the one read, whatever it held, so a mangled
 * one is replaced like any other and a racing writer's is never overwritten with older counts:
 * the loser reads again and retries. Best effort, and it never throws: the counters stay the
 * truth, and what this write failed to date, the next engagement's dates.
 */
export async function refreshEvidenceSnapshot(
  client: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  channel: Channel,
  at: Date,
  halfLifeDays: number,
): Promise<void> {
  if (Number.isNaN(at.getTime())) return;
  const names = { '#engagement': 'engagement', '#channel': channel, '#recent': 'recent' };
  for (let attempt = 0; attempt < SNAPSHOT_TRIES; attempt++) {
    const history = await readChannel(client, tableName, customerId, channel).catch(() => undefined);
    if (!history) return;
    const read: unknown = history.recent;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { customerId },
          UpdateExpression: 'SET #engagement.#channel.#recent = :snapshot',
          ConditionExpression:
            read === undefined ? 'attribute_exists(#engagement.#channel) AND attribute_not_exists(#engagement.#channel.#recent)' : '#engagement.#channel.#recent = :read',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':snapshot': snapshotAt(history, history, at, halfLifeDays), ...(read === undefined ? {} : { ':read': read }) },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) return;
    }
  }
}

/** One channel's map of a customer's engagement; undefined when there is no customer or no such map. */
async function readChannel(client: DynamoDBDocumentClient, tableName: string, customerId: string, channel: Channel): Promise<ChannelEngagement | undefined> {
  const output = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { customerId },
      ConsistentRead: true,
      ProjectionExpression: '#engagement.#channel',
      ExpressionAttributeNames: { '#engagement': 'engagement', '#channel': channel },
    }),
  );
  const history = (output.Item?.engagement as Record<string, unknown> | undefined)?.[channel];
  return typeof history === 'object' && history !== null && !Array.isArray(history) ? history : undefined;
}

/** DynamoDB's answer to an update below a missing map, alone or inside a transaction. */
export function isMissingMapError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ValidationException') return /document path/i.test(error.message);
  const reasons = (error as { CancellationReasons?: { Code?: string; Message?: string }[] }).CancellationReasons;
  return error.name === 'TransactionCanceledException' && (reasons ?? []).some((r) => r.Code === 'ValidationError' && /document path/i.test(r.Message ?? ''));
}
