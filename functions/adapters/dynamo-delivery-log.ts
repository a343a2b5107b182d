import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../core/errors.js';
import type { Attempt, DeliveryRecord, DeliveryStatus } from '../core/model.js';
import { RetryableError } from '../core/errors.js';
import type { ClaimRequest, ClaimResult, DeliveryLog, EscalationWrite, ReleaseRequest, WakeClaimRequest, WakeClaimResult } from '../core/ports.js';
import { DELIVERIES_BY_CUSTOMER_INDEX } from '../definitions/tables.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { BATCH_GET_LIMIT, batchGetAll } from './dynamo-batch-get.js';

export interface DynamoDeliveryLogOptions {
  tableName: string;
  /** Days a record is kept after its last write (DynamoDB TTL); default 400. */
  retentionDays?: number;
}

export interface DeliveryPage {
  items: DeliveryRecord[];
  /** Opaque; pass back to read the next page. Absent on the last page. */
  cursor?: string;
}

const DAY_MS = 86_400_000;
/** Attributes that exist only for storage: the lease and the TTL are not part of the record. */
// Feedback's de-duplication sets are bookkeeping, not part of the record other systems read.
const STORAGE_ONLY = ['leaseUntil', 'expiresAtEpoch', 'seenEvents', 'seenEventsEarlier', 'countedEngagement'] as const;
/** Columns `finish` may set; the key, `customerId`/`createdAt` (the GSI key) and the timeline are handled apart. */
const FINISH_FIELDS = [
  'channel',
  'channels',
  'attempts',
  'decision',
  'template',
  'category',
  'topic',
  'strategy',
  'problems',
  'deferredUntil',
  'escalation',
  'wake',
  'wakes',
  'request',
] as const;
/** What only a waiting request has: a record finished without them no longer waits, so they go. */
const WAITING_FIELDS = ['deferredUntil', 'wake', 'request'] as const;

/** The deliveries table: one item per requestId, the claim lease and the record that customer service reads. */
export class DynamoDeliveryLog implements DeliveryLog {
  private readonly tableName: string;
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoDeliveryLogOptions,
  ) {
    this.tableName = options.tableName;
    this.retentionMs = (options.retentionDays ?? 400) * DAY_MS;
  }

  /**
   * An update rather than a put: a claim taken over after a lapsed lease keeps the attempts a
   * provider already accepted, and hands them back so they are never sent again.
   */
  async claim(claim: ClaimRequest): Promise<ClaimResult> {
    const now = claim.now.getTime();
    const at = claim.now.toISOString();
    const lease = now + claim.leaseMs;
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId: claim.requestId },
          // No `createdAt` yet: without the index's sort key the claim stays out of the
          // history index and costs one write unit instead of two; `finish` adds it.
          UpdateExpression: [
            'SET #status = :accepted',
            '#customerId = if_not_exists(#customerId, :customerId)',
            '#template = if_not_exists(#template, :template)',
            '#updatedAt = :at',
            '#leaseUntil = :lease',
            '#expires = :expires',
            '#attempts = if_not_exists(#attempts, :none)',
            '#timeline = if_not_exists(#timeline, :timeline)',
          ].join(', '),
          ConditionExpression: 'attribute_not_exists(#requestId) OR (#status = :accepted AND #leaseUntil < :now)',
          ExpressionAttributeNames: {
            '#requestId': 'requestId',
            '#status': 'status',
            '#customerId': 'customerId',
            '#template': 'template',
            '#updatedAt': 'updatedAt',
            '#leaseUntil': 'leaseUntil',
            '#expires': 'expiresAtEpoch',
            '#attempts': 'attempts',
            '#timeline': 'timeline',
          },
          ExpressionAttributeValues: {
            ':accepted': 'ACCEPTED',
            ':customerId': claim.customerId,
            ':template': claim.template,
            ':at': at,
            ':lease': lease,
            ':expires': this.expiresAt(now),
            ':none': [],
            ':timeline': [{ status: 'ACCEPTED', at }],
            ':now': now,
          },
          // The attempts are among the updated attributes; the rest of the item need not travel back.
          ReturnValues: 'UPDATED_NEW',
          // The failed condition hands back the current item, so duplicate and busy need no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const attempts = (output.Attributes?.attempts ?? []) as Attempt[];
      return { kind: 'claimed', lease, accepted: attempts.filter((attempt) => attempt.outcome === 'SENT') };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries UpdateItem (claim)');
      const status = rawString(error.Item, 'status') as DeliveryStatus | undefined;
      return status && status !== 'ACCEPTED' ? { kind: 'duplicate', status } : { kind: 'busy' };
    }
  }

  /**
   * Only the wake the record expects can claim it, and only while no live claim holds it. A
   * deferral becomes ACCEPTED again, so the ordinary finish applies; an escalation keeps the
   * status feedback gave it and holds just the lease.
   */
  async claimWake(claim: WakeClaimRequest): Promise<WakeClaimResult> {
    const now = claim.now.getTime();
    const lease = now + claim.leaseMs;
    const deferral = claim.kind === 'deferral';
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId: claim.requestId },
          UpdateExpression: `SET ${deferral ? '#status = :accepted, ' : ''}#leaseUntil = :lease, #updatedAt = :at`,
          ConditionExpression: deferral
            ? '#wake.#token = :token AND #wake.#kind = :kind AND (#status = :deferred OR (#status = :accepted AND #leaseUntil < :now))'
            : '#wake.#token = :token AND #wake.#kind = :kind AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)',
          ExpressionAttributeNames: {
            '#wake': 'wake',
            '#token': 'token',
            '#kind': 'kind',
            '#leaseUntil': 'leaseUntil',
            '#updatedAt': 'updatedAt',
            ...(deferral ? { '#status': 'status' } : {}),
          },
          ExpressionAttributeValues: {
            ':token': claim.token,
            ':kind': claim.kind,
            ':lease': lease,
            ':now': now,
            ':at': claim.now.toISOString(),
            ...(deferral ? { ':accepted': 'ACCEPTED', ':deferred': 'DEFERRED' } : {}),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'claimed', lease, record: toRecord(output.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries UpdateItem (wake claim)');
      const wake = (error.Item?.wake as { M?: Record<string, { S?: unknown }> } | undefined)?.M;
      const expected = wake?.token?.S === claim.token && wake.kind?.S === claim.kind;
      return expected ? { kind: 'busy' } : { kind: 'stale' };
    }
  }

  async recordEscalation(write: EscalationWrite): Promise<void> {
    const names: Record<string, string> = {
      '#attempts': 'attempts',
      '#channels': 'channels',
      '#escalation': 'escalation',
      '#wakes': 'wakes',
      '#timeline': 'timeline',
      '#updatedAt': 'updatedAt',
      '#leaseUntil': 'leaseUntil',
      '#wake': 'wake',
      '#expires': 'expiresAtEpoch',
    };
    const values: Record<string, unknown> = {
      ':attempts': plainValue(write.attempts),
      ':none': [],
      ':channels': write.channels,
      ':escalation': plainValue(write.escalation),
      ':wakes': write.wakes,
      ':events': plainValue(write.events),
      ':at': write.at.toISOString(),
      ':lease': write.lease,
      ':expires': this.expiresAt(write.at.getTime()),
    };
    const sets = [
      '#attempts = list_append(if_not_exists(#attempts, :none), :attempts)',
      '#channels = :channels',
      '#escalation = :escalation',
      '#wakes = :wakes',
      '#timeline = list_append(if_not_exists(#timeline, :none), :events)',
      '#updatedAt = :at',
      '#expires = :expires',
    ];
    const removes = ['#leaseUntil'];
    if (write.wake) {
      sets.push('#wake = :wake');
      values[':wake'] = write.wake;
    } else {
      // Nothing waits any more: the stored request (and the personal data in it) goes too.
      names['#request'] = 'request';
      removes.push('#wake', '#request');
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId: write.requestId },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: '#leaseUntil = :lease',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new RetryableError('the escalation claim was lost before its step was recorded', 'LEASE_LOST', { cause: error });
      throw toSwitchboardError(error, 'deliveries UpdateItem (escalation)');
    }
  }

  /** Conditioned only on the item existing: a provider's early delivery event may already have moved the status. */
  async recordAccepted(requestId: string, attempt: Attempt): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId },
          UpdateExpression: 'SET #attempts = list_append(if_not_exists(#attempts, :none), :attempt)',
          ConditionExpression: 'attribute_exists(#requestId)',
          ExpressionAttributeNames: { '#requestId': 'requestId', '#attempts': 'attempts' },
          ExpressionAttributeValues: { ':none': [], ':attempt': [JSON.parse(JSON.stringify(attempt)) as Attempt] },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries UpdateItem (accepted attempt)');
    }
  }

  /**
   * Appends the record's events after ACCEPTED rather than writing the timeline whole: a feedback
   * writer may already have appended provider events. For the same reason the status is only
   * moved off ACCEPTED; if feedback got there first (a DELIVERED that beat this write), the
   * rest of the record is written and the status stays where feedback left it.
   */
  async finish(record: DeliveryRecord): Promise<void> {
    const clean = plain(record);
    try {
      await this.updateFinished(clean, true);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries UpdateItem (finish)');
      await this.updateFinished(clean, false).catch((retryError: unknown) => Promise.reject(toSwitchboardError(retryError, 'deliveries UpdateItem (finish)')));
    }
  }

  private async updateFinished(record: DeliveryRecord, setStatus: boolean): Promise<void> {
    const names: Record<string, string> = { '#timeline': 'timeline', '#updatedAt': 'updatedAt', '#leaseUntil': 'leaseUntil', '#expires': 'expiresAtEpoch' };
    const values: Record<string, unknown> = { ':events': record.timeline, ':none': [], ':updatedAt': record.updatedAt, ':expires': this.expiresAt(Date.parse(record.updatedAt)) };
    const sets = ['#timeline = list_append(if_not_exists(#timeline, :none), :events)', '#updatedAt = :updatedAt', '#expires = :expires'];
    for (const field of FINISH_FIELDS) {
      if (record[field] === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = record[field];
      sets.push(`#${field} = :${field}`);
    }
    // An item released and then lost (or never claimed) still gets its GSI key, so history can list it.
    Object.assign(names, { '#customerId': 'customerId', '#createdAt': 'createdAt' });
    Object.assign(values, { ':customerId': record.customerId, ':createdAt': sortableTime(record.createdAt, record.updatedAt) });
    sets.push('#customerId = if_not_exists(#customerId, :customerId)', '#createdAt = if_not_exists(#createdAt, :createdAt)');
    names['#status'] = 'status';
    values[':status'] = record.status;
    if (setStatus) {
      sets.push('#status = :status');
      values[':accepted'] = 'ACCEPTED';
    } else {
      sets.push('#status = if_not_exists(#status, :status)');
    }
    const removes = ['#leaseUntil'];
    for (const field of WAITING_FIELDS) {
      if (record[field] !== undefined) continue;
      names[`#${field}`] = field;
      removes.push(`#${field}`);
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { requestId: record.requestId },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ...(setStatus ? { ConditionExpression: 'attribute_not_exists(#status) OR #status = :accepted' } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Ends the lease rather than deleting the item, so the ACCEPTED entry, its accepted attempts and
   * its timeline survive for the retry, and notes why: a message that ends in the DLQ has a record
   * that says what kept failing.
   */
  async release(release: ReleaseRequest): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId: release.requestId },
          UpdateExpression: 'SET #leaseUntil = :zero, #lastRetry = :lastRetry ADD #retries :one',
          // The lease alone identifies the claim: a woken escalation holds one without being ACCEPTED.
          ConditionExpression: '#leaseUntil = :lease',
          ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil', '#lastRetry': 'lastRetry', '#retries': 'retries' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':lease': release.lease,
            ':lastRetry': { code: release.code, at: release.at.toISOString() },
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries UpdateItem (release)');
    }
  }

  async reject(record: DeliveryRecord): Promise<void> {
    const clean = plain(record);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...withIndexKeys(clean), expiresAtEpoch: this.expiresAt(Date.parse(clean.updatedAt)) },
          ConditionExpression: 'attribute_not_exists(#requestId) OR #status = :rejected',
          ExpressionAttributeNames: { '#requestId': 'requestId', '#status': 'status' },
          ExpressionAttributeValues: { ':rejected': 'REJECTED' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'deliveries PutItem (reject)');
    }
  }

  async getDelivery(requestId: string): Promise<DeliveryRecord | undefined> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.tableName, Key: { requestId }, ConsistentRead: true }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries GetItem')));
    return output.Item ? toRecord(output.Item) : undefined;
  }

  /** Newest first: keys from the byCustomer index (it projects keys only), then the records by key. */
  async listByCustomer(customerId: string, page: { limit?: number; cursor?: string } = {}): Promise<DeliveryPage> {
    const limit = Math.min(Math.max(Math.trunc(page.limit ?? 20), 1), BATCH_GET_LIMIT);
    const output = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DELIVERIES_BY_CUSTOMER_INDEX,
          KeyConditionExpression: '#customerId = :customerId',
          ExpressionAttributeNames: { '#customerId': 'customerId' },
          ExpressionAttributeValues: { ':customerId': customerId },
          ScanIndexForward: false,
          Limit: limit,
          ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor, customerId) } : {}),
        }),
      )
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'deliveries Query (byCustomer)')));
    const keys = (output.Items ?? []).map((item: Record<string, unknown>) => ({ requestId: item.requestId }));
    const records = keys.length === 0 ? [] : await batchGetAll(this.client, { name: this.tableName, label: 'deliveries' }, keys);
    const byId = new Map(records.map((item) => [item.requestId, item]));
    return {
      items: keys.flatMap(({ requestId }) => {
        const item = byId.get(requestId);
        return item ? [toRecord(item)] : [];
      }),
      ...(output.LastEvaluatedKey ? { cursor: encodeCursor(output.LastEvaluatedKey) } : {}),
    };
  }

  private expiresAt(fromMs: number): number {
    const base = Number.isFinite(fromMs) ? fromMs : Date.now();
    return Math.floor((base + this.retentionMs) / 1000);
  }
}

/**
 * The GSI sorts `createdAt` as a string, so it must be one uniform UTC ISO format: upstream may
 * send an offset such as `+01:00`. Empty or unparseable values fall back to the write time
 * (a GSI key attribute may not be an empty string).
 */
function sortableTime(value: string | undefined, fallback: string): string {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : fallback;
}

/** A rejected message may have no usable customer id; then it stays out of the index rather than failing the write. */
function withIndexKeys(record: DeliveryRecord): Record<string, unknown> {
  const { customerId, ...rest } = record;
  return { ...rest, ...(customerId ? { customerId } : {}), createdAt: sortableTime(record.createdAt, record.updatedAt) };
}

/** Records are plain JSON; this drops `undefined` fields, which the marshaller would otherwise reject. */
function plain(record: DeliveryRecord): DeliveryRecord {
  return plainValue(record);
}

function plainValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function toRecord(item: Record<string, unknown>): DeliveryRecord {
  const record = { ...item };
  for (const key of STORAGE_ONLY) delete record[key];
  return { attempts: [], timeline: [], ...record } as unknown as DeliveryRecord;
}

/** The failure's `Item` is in the low-level attribute-value form: the document client does not translate errors. */
function rawString(item: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = item?.[name] as { S?: unknown } | undefined;
  return typeof value?.S === 'string' ? value.S : undefined;
}

const CURSOR_KEYS = ['requestId', 'customerId', 'createdAt'] as const;

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(CURSOR_KEYS.map((name) => key[name])), 'utf8').toString('base64url');
}

/** Checked, so a forged or stale cursor is a clear client error rather than a DynamoDB ValidationException. */
function decodeCursor(cursor: string, customerId: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((v) => typeof v === 'string') || parsed[1] !== customerId) {
    throw new PermanentError('invalid history cursor', 'INVALID_CURSOR');
  }
  const [requestId, , createdAt] = parsed;
  return { requestId: requestId as string, customerId, createdAt: createdAt as string };
}
