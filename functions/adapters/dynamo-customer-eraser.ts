import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { capWindow } from '../core/cap-window.js';
import { mapWithConcurrency } from '../core/concurrency.js';
import { RetryableError } from '../core/errors.js';
import { CATEGORIES, CHANNELS } from '../core/model.js';
import { type DeliveryErasure, deliveryErasure, type DocumentPath } from '../core/profile/erasure.js';
import type { CustomerEraser, ErasureReport } from '../core/profile/ports.js';
import { DELIVERIES_BY_CUSTOMER_INDEX } from '../definitions/tables.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';
import { BATCH_GET_LIMIT, batchGetAll } from './dynamo-batch-get.js';
import { counterKey } from './dynamo-frequency-counter.js';
import { providerMessageKey } from './dynamo-provider-message-index.js';

const WEEK_MS = 7 * 86_400_000;
/**
 * Counters expire eight days after their ISO week ends, and DynamoDB deletes expired items
 * some days later still: this week and the three before cover every counter that may exist.
 */
const COUNTER_WEEKS = 4;
const BATCH_WRITE_LIMIT = 25;
/** Changes per UpdateItem, keeping each expression far below DynamoDB's 4 KB. */
const CHANGES_PER_UPDATE = 40;
const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 1000 };
/** Records stripped at once: a long history fits the API's time limit without a burst on one partition. */
const STRIP_CONCURRENCY = 8;

export interface EraserTables {
  customers: string;
  deliveries: string;
  inbox: string;
  counters: string;
}

type Key = Record<string, unknown>;

/**
 * Erasure across the four tables, in the order that stops new sends first: the customer record
 * (a request for the customer is REJECTED from then on), the inbox, the counters, then each
 * delivery record stripped attribute by attribute (see `deliveryErasure`) and handed to a
 * pseudonym, with the provider message lookups its attempts left. Every step is idempotent.
 */
export class DynamoCustomerEraser implements CustomerEraser {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tables: EraserTables; backoff?: BackoffOptions; pseudonym?: () => string },
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async erase(customerId: string, at: Date): Promise<ErasureReport> {
    const profile = await this.deleteCustomer(customerId);
    const inboxItems = await this.clearInbox(customerId);
    await this.batchDelete(this.options.tables.counters, 'counters', counterKeys(customerId, at));
    const deliveries = await this.scrubDeliveries(customerId, at);
    return { profile, inboxItems, ...deliveries };
  }

  private async deleteCustomer(customerId: string): Promise<boolean> {
    const output = await this.client
      .send(new DeleteCommand({ TableName: this.options.tables.customers, Key: { customerId }, ReturnValues: 'ALL_OLD' }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers DeleteItem (erasure)')));
    return output.Attributes !== undefined;
  }

  private async clearInbox(customerId: string): Promise<number> {
    let cleared = 0;
    let start: Key | undefined;
    do {
      const output = await this.client
        .send(
          new QueryCommand({
            TableName: this.options.tables.inbox,
            KeyConditionExpression: '#customerId = :customerId',
            ProjectionExpression: '#customerId, #sk',
            ExpressionAttributeNames: { '#customerId': 'customerId', '#sk': 'sk' },
            ExpressionAttributeValues: { ':customerId': customerId },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'inbox Query (erasure)')));
      const keys = (output.Items ?? []).map((item: Record<string, unknown>) => ({ customerId: item.customerId, sk: item.sk }));
      await this.batchDelete(this.options.tables.inbox, 'inbox', keys);
      cleared += keys.length;
      start = output.LastEvaluatedKey;
    } while (start);
    return cleared;
  }

  private async scrubDeliveries(customerId: string, at: Date): Promise<Pick<ErasureReport, 'deliveryRecords' | 'providerMessageIds'>> {
    const pseudonym = (this.options.pseudonym ?? (() => `erased:${randomUUID()}`))();
    const table = this.options.tables.deliveries;
    let deliveryRecords = 0;
    let providerMessageIds = 0;
    let start: Key | undefined;
    do {
      const output = await this.client
        .send(
          new QueryCommand({
            TableName: table,
            IndexName: DELIVERIES_BY_CUSTOMER_INDEX,
            KeyConditionExpression: '#customerId = :customerId',
            ExpressionAttributeNames: { '#customerId': 'customerId' },
            ExpressionAttributeValues: { ':customerId': customerId },
            Limit: BATCH_GET_LIMIT,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries Query (erasure)')));
      const keys = [...new Set((output.Items ?? []).map((item) => item.requestId as string))].map((requestId) => ({ requestId }));
      const records = keys.length > 0 ? await batchGetAll(this.client, { name: table, label: 'deliveries' }, keys, this.backoff) : [];
      // The index lags the table: a record already handed to a pseudonym is left as it is.
      const erasures = records
        .filter((record) => record.customerId === customerId)
        .map((record) => ({ requestId: record.requestId as string, erasure: deliveryErasure(record, pseudonym, at.toISOString()) }));
      // Lookups first: while a record still names its provider ids, a failed run finds them again.
      const lookups = erasures.flatMap(({ erasure }) => erasure.providerMessages.map((m) => ({ requestId: providerMessageKey(m.channel, m.providerMessageId) })));
      await this.batchDelete(table, 'deliveries', lookups);
      providerMessageIds += lookups.length;
      const stripped = await mapWithConcurrency(erasures, STRIP_CONCURRENCY, ({ requestId, erasure }) => this.strip(requestId, customerId, erasure));
      deliveryRecords += stripped.filter(Boolean).length;
      start = output.LastEvaluatedKey;
    } while (start);
    return { deliveryRecords, providerMessageIds };
  }

  /**
   * Applies the erasure in chunks, each on condition that the record still belongs to the
   * customer; the owner changes in the last chunk, so a failure midway leaves the record where
   * the next run finds it. False when the record changed owner meanwhile.
   */
  private async strip(requestId: string, customerId: string, erasure: DeliveryErasure): Promise<boolean> {
    const changes = [...erasure.remove.map((path) => ({ path, remove: true as const })), ...erasure.set.map((s) => ({ ...s, remove: false as const }))];
    for (let i = 0; i < changes.length; i += CHANGES_PER_UPDATE) {
      const update = expressionOf(changes.slice(i, i + CHANGES_PER_UPDATE));
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.options.tables.deliveries,
            Key: { requestId },
            UpdateExpression: update.expression,
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { ...update.names, '#owner': 'customerId' },
            ExpressionAttributeValues: { ...update.values, ':owner': customerId },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw toSwitchboardError(error, 'deliveries UpdateItem (erasure)');
      }
    }
    return true;
  }

  private async batchDelete(tableName: string, label: string, keys: Key[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH_WRITE_LIMIT) {
      let pending = keys.slice(i, i + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const output = await this.client
          .send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }))
          .catch((error: unknown) => Promise.reject(toSwitchboardError(error, `${label} BatchWriteItem (erasure)`)));
        pending = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) => (request.DeleteRequest?.Key ? [{ DeleteRequest: { Key: request.DeleteRequest.Key } }] : []));
        if (pending.length > 0 && attempt >= this.backoff.maxAttempts) {
          throw new RetryableError(`${label} BatchWriteItem left ${pending.length} deletes unprocessed after ${attempt} attempts`, 'DYNAMO_UNPROCESSED_ITEMS');
        }
        if (pending.length > 0) await (this.backoff.sleep ?? defaultSleep)(jitteredDelay(attempt - 1, this.backoff));
      }
    }
  }
}

/** Every counter key the customer may have: each channel × category, this ISO week and the ones before. */
export function counterKeys(customerId: string, now: Date): Key[] {
  const weeks = Array.from({ length: COUNTER_WEEKS }, (_, back) => capWindow(new Date(now.getTime() - back * WEEK_MS)).week);
  return weeks.flatMap((week) => CHANNELS.flatMap((channel) => CATEGORIES.map((category) => ({ counterKey: counterKey(customerId, channel, category, week) }))));
}

function expressionOf(changes: ({ path: DocumentPath; remove: true } | { path: DocumentPath; value: unknown; remove: false })[]) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const aliases = new Map<string, string>();
  const alias = (segment: string) => {
    let name = aliases.get(segment);
    if (!name) {
      name = `#p${aliases.size}`;
      aliases.set(segment, name);
      names[name] = segment;
    }
    return name;
  };
  const pathText = (path: DocumentPath) => path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${alias(segment)}`)).join('');
  const sets: string[] = [];
  const removes: string[] = [];
  changes.forEach((change, i) => {
    if (change.remove) removes.push(pathText(change.path));
    else {
      values[`:v${i}`] = change.value;
      sets.push(`${pathText(change.path)} = :v${i}`);
    }
  });
  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  return { expression, names, values };
}
