import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackStore, FeedbackTarget, FeedbackWrite } from '../core/feedback/ports.js';
import type { Attempt, Channel, DeliveryStatus } from '../core/model.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { engagementAdd, ensureEngagementMaps, isMissingMapError, refreshEvidenceSnapshot, touchLastEngaged } from './dynamo-engagement.js';

/** The newest generation of seen event ids, and the one before it. */
const SEEN = 'seenEvents';
const SEEN_EARLIER = 'seenEventsEarlier';

export interface DynamoFeedbackStoreOptions {
  deliveriesTable: string;
  customersTable: string;
  /** How fast evidence fades in the snapshot each open or click writes (`DecisionConfig.learning`). */
  halfLifeDays: number;
}

/** How a counted write ended: counted, written without the counter (the customer is gone), or lost to a change since `find`. */
type CountedWrite = 'counted' | 'uncounted' | 'changed';

/**
 * Feedback on the deliveries table, with the engagement counter on the customers table in the
 * same transaction: an event is marked seen exactly when it was counted, so a redelivered event is
 * neither lost nor counted twice. `countedEngagement` keeps a counter to one move per message and
 * channel.
 *
 * Seen marks are two string sets, so a record cannot grow without end: new ids join
 * `seenEvents` while it holds fewer than the write's limit; a full one moves to
 * `seenEventsEarlier` (dropping what that held) and a new `seenEvents` starts. Both branches are
 * conditions on the set's size, so racing writers never drop a mark (a loser re-reads and
 * re-plans), and the ADD of concurrent events stays free of conflicts. A `seenEvents` already
 * past the limit is moved aside whole by the next write, and forgotten a generation later.
 *
 * An open or a click moves `lastEngagedAt` before that write and the evidence snapshot after it
 * (see `touchLastEngaged` and `refreshEvidenceSnapshot` for why each goes where it does).
 */
export class DynamoFeedbackStore implements FeedbackStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: DynamoFeedbackStoreOptions,
  ) {}

  async find(requestId: string): Promise<FeedbackTarget | undefined> {
    const names = [
      'requestId',
      'customerId',
      'status',
      'template',
      'category',
      'topic',
      'channel',
      'channels',
      'attempts',
      'timeline',
      'leaseUntil',
      SEEN,
      SEEN_EARLIER,
      'countedEngagement',
      'wake',
    ];
    const output = await this.client
      .send(
        new GetCommand({
          TableName: this.options.deliveriesTable,
          Key: { requestId },
          ConsistentRead: true,
          ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        }),
      )
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries GetItem (feedback)')));
    const item = output.Item;
    // Items without a customer or status are not delivery records (provider id mappings live here too).
    if (!item || typeof item.customerId !== 'string' || typeof item.status !== 'string') return undefined;
    const recent = stringSet(item[SEEN]);
    return {
      requestId,
      customerId: item.customerId,
      status: item.status as DeliveryStatus,
      ...optionalStrings(item, ['template', 'category', 'topic']),
      sentChannels: sentChannels(item),
      // The claim sets a lease and the final write removes it.
      finished: item.leaseUntil === undefined,
      seenEvents: new Set([...stringSet(item[SEEN_EARLIER]), ...recent]),
      recentSeenCount: recent.size,
      countedEngagement: stringSet(item.countedEngagement),
      timelineLength: Array.isArray(item.timeline) ? item.timeline.length : 0,
      ...pendingWake(item.wake),
    };
  }

  async record(write: FeedbackWrite): Promise<boolean> {
    const { customersTable, halfLifeDays } = this.options;
    if (write.engaged) await touchLastEngaged(this.client, customersTable, write.customerId, write.engaged.channel, write.engaged.at);
    if (!write.counter) return this.updateDelivery(write);
    const written = await this.recordCounted(write, write.counter);
    if (written === 'counted' && write.engaged) {
      await refreshEvidenceSnapshot(this.client, customersTable, write.customerId, write.counter.channel, new Date(write.engaged.at), halfLifeDays);
    }
    return written !== 'changed';
  }

  private async recordCounted(write: FeedbackWrite, counter: NonNullable<FeedbackWrite['counter']>): Promise<CountedWrite> {
    const uncounted = async (): Promise<CountedWrite> => ((await this.updateDelivery(write)) ? 'uncounted' : 'changed');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [{ Update: this.deliveryUpdate(write) }, { Update: this.counterUpdate(write.customerId, counter.channel, counter.name) }],
          }),
        );
        return 'counted';
      } catch (error) {
        const [delivery, customer] = cancellationCodes(error);
        if (delivery === 'ConditionalCheckFailed') return 'changed';
        // The customer record is gone: the delivery still gets its timeline.
        if (customer === 'ConditionalCheckFailed') return uncounted();
        if (attempt > 0 || !isMissingMapError(error)) throw toSwitchboardError(error, 'TransactWriteItems (feedback)');
        if ((await ensureEngagementMaps(this.client, this.options.customersTable, write.customerId, counter.channel)) === 'no_customer') return uncounted();
      }
    }
    return 'changed';
  }

  private async updateDelivery(write: FeedbackWrite): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand(this.deliveryUpdate(write)));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toSwitchboardError(error, 'deliveries UpdateItem (feedback)');
    }
  }

  private deliveryUpdate(write: FeedbackWrite) {
    const names: Record<string, string> = { '#customerId': 'customerId', '#seen': SEEN, '#earlier': SEEN_EARLIER, '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':eventId': write.eventId, ':eventIds': new Set([write.eventId]), ':seenLimit': write.seen.limit, ':updatedAt': write.updatedAt };
    const sets = ['#updatedAt = :updatedAt'];
    const adds: string[] = [];
    const conditions = ['attribute_exists(#customerId)', 'NOT contains(#seen, :eventId)', 'NOT contains(#earlier, :eventId)'];
    if (write.seen.startGeneration) {
      sets.push('#earlier = #seen', '#seen = :eventIds');
      conditions.push('size(#seen) >= :seenLimit');
    } else {
      adds.push('#seen :eventIds');
      conditions.push('(attribute_not_exists(#seen) OR size(#seen) < :seenLimit)');
    }
    if (write.timelineEvent) {
      Object.assign(names, { '#timeline': 'timeline' });
      Object.assign(values, { ':events': [write.timelineEvent], ':none': [] });
      sets.push('#timeline = list_append(if_not_exists(#timeline, :none), :events)');
    }
    if (write.status) {
      names['#status'] = 'status';
      values[':to'] = write.status.to;
      write.status.from.forEach((status, i) => (values[`:from${i}`] = status));
      sets.push('#status = :to');
      conditions.push(`#status IN (${write.status.from.map((_, i) => `:from${i}`).join(', ')})`);
    }
    if (write.counter) {
      names['#counted'] = 'countedEngagement';
      Object.assign(values, { ':key': write.counter.key, ':keys': new Set([write.counter.key]) });
      adds.push('#counted :keys');
      conditions.push('NOT contains(#counted, :key)');
    }
    return {
      TableName: this.options.deliveriesTable,
      Key: { requestId: write.requestId },
      UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  private counterUpdate(customerId: string, channel: Channel, counter: NonNullable<FeedbackWrite['counter']>['name']) {
    const add = engagementAdd(channel, { [counter]: 1 });
    return {
      TableName: this.options.customersTable,
      Key: { customerId },
      UpdateExpression: add.expression,
      ConditionExpression: 'attribute_exists(#customerId)',
      ExpressionAttributeNames: { ...add.names, '#customerId': 'customerId' },
      ExpressionAttributeValues: add.values,
    };
  }
}

function cancellationCodes(error: unknown): (string | undefined)[] {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return [];
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code);
}

/** Where the message went out: `channels` under strategy `all`, else `channel`, and every sent attempt. */
function sentChannels(item: Record<string, unknown>): Channel[] {
  const found = new Set<Channel>();
  if (Array.isArray(item.channels)) for (const channel of item.channels) found.add(channel as Channel);
  if (typeof item.channel === 'string') found.add(item.channel as Channel);
  if (Array.isArray(item.attempts)) for (const attempt of item.attempts as Attempt[]) if (attempt.outcome === 'SENT') found.add(attempt.channel);
  return [...found];
}

function stringSet(value: unknown): ReadonlySet<string> {
  return value instanceof Set ? (value as Set<string>) : new Set();
}

function optionalStrings(item: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((key) => typeof item[key] === 'string').map((key) => [key, item[key] as string]));
}

function pendingWake(value: unknown): Pick<FeedbackTarget, 'pendingWake'> {
  if (typeof value !== 'object' || value === null) return {};
  const { token, kind } = value as Record<string, unknown>;
  return typeof token === 'string' && (kind === 'deferral' || kind === 'escalation') ? { pendingWake: { token, kind } } : {};
}
