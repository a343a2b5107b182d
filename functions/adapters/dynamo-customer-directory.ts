import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../core/concurrency.js';
import { malformedCustomer, parseCustomerRecord } from '../core/customer-record.js';
import { RetryableError } from '../core/errors.js';
import type { Customer, PushToken } from '../core/model.js';
import type { AddressChange, CustomerDirectory, MalformedCustomer } from '../core/ports.js';
import type { BackoffOptions } from './backoff.js';
import { BATCH_GET_LIMIT, batchGetAll, DEFAULT_BATCH_GET_BACKOFF } from './dynamo-batch-get.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

export interface DynamoCustomerDirectoryOptions {
  tableName: string;
  /** BatchGetItem calls in flight at once; a 10,000-message batch would otherwise open 100 at a time. */
  concurrency?: number;
  /** Retries of UnprocessedKeys; defaults: 6 attempts, 50 ms base, 1 s cap. */
  backoff?: Partial<BackoffOptions>;
}

type Change<K extends AddressChange['kind']> = Extract<AddressChange, { kind: K }>;

/** The customers table through the document client (see createDocumentClient). */
export class DynamoCustomerDirectory implements CustomerDirectory {
  private readonly tableName: string;
  private readonly concurrency: number;
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoCustomerDirectoryOptions,
  ) {
    this.tableName = options.tableName;
    this.concurrency = options.concurrency ?? 4;
    this.backoff = { ...DEFAULT_BATCH_GET_BACKOFF, ...options.backoff };
  }

  /** Each record is checked on the way in: a broken one is reported with its problems, never handed on. */
  async getMany(customerIds: readonly string[]): Promise<Map<string, Customer | MalformedCustomer>> {
    // Duplicate keys in one BatchGetItem are a ValidationException, and an empty key is invalid.
    const ids = [...new Set(customerIds)].filter((id) => id.length > 0);
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) chunks.push(ids.slice(i, i + BATCH_GET_LIMIT));
    const found = new Map<string, Customer | MalformedCustomer>();
    await mapWithConcurrency(chunks, this.concurrency, async (chunk) => {
      for (const item of await this.batchGet(chunk)) {
        const customerId = item.customerId as string;
        const record = parseCustomerRecord(item);
        found.set(customerId, record.ok ? record.customer : malformedCustomer(customerId, record.problems));
      }
    });
    return found;
  }

  private async batchGet(ids: string[]): Promise<Record<string, unknown>[]> {
    const items = await batchGetAll(this.client, { name: this.tableName, label: 'customers' }, ids.map((customerId) => ({ customerId })), this.backoff);
    return items.filter((item) => typeof item.customerId === 'string');
  }

  async applyAddressChanges(customerId: string, changes: readonly AddressChange[], at: Date): Promise<void> {
    const updatedAt = at.toISOString();
    // In order: a token renewed and then reported dead must end up suppressed under its new value.
    for (const change of changes) {
      if (change.channel === 'sms') await this.optOutSms(customerId, updatedAt);
      else await this.updateToken(customerId, change, updatedAt);
    }
  }

  /**
   * List elements are addressed by index, so the write is conditioned on the token still sitting
   * at that index: a concurrent writer that reorders `push` makes it fail instead of hitting
   * another device. One re-read covers that race; a second loss is reported as retryable.
   */
  private async updateToken(customerId: string, change: Change<'token_dead'> | Change<'token_renewed'>, updatedAt: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const tokens = await this.readTokens(customerId);
      const index = tokens.findIndex((t) => t.token === change.token);
      if (index < 0) return;
      // A renewed token already on file means the old entry is a stale duplicate of the same device.
      const duplicate = change.kind === 'token_renewed' && tokens.some((t) => t.token === change.newToken);
      const renew = change.kind === 'token_renewed' && !duplicate;
      const entry = `#push[${index}]`;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { customerId },
            UpdateExpression: renew
              ? `SET ${entry}.#token = :newToken, ${entry}.#updatedAt = :at`
              : `SET ${entry}.#status = :suppressed, ${entry}.#reason = :invalid, ${entry}.#updatedAt = :at`,
            ConditionExpression: `${entry}.#token = :token`,
            ExpressionAttributeNames: { '#push': 'push', '#token': 'token', '#updatedAt': 'updatedAt', ...(renew ? {} : { '#status': 'status', '#reason': 'reason' }) },
            ExpressionAttributeValues: {
              ':token': change.token,
              ':at': updatedAt,
              ...(renew ? { ':newToken': (change as Change<'token_renewed'>).newToken } : { ':suppressed': 'suppressed', ':invalid': 'invalid' }),
            },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (push token)');
      }
    }
    throw new RetryableError('push tokens changed concurrently twice while updating a token', 'ADDRESS_CHANGE_CONFLICT');
  }

  private async readTokens(customerId: string): Promise<PushToken[]> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.tableName, Key: { customerId }, ProjectionExpression: '#push', ExpressionAttributeNames: { '#push': 'push' }, ConsistentRead: true }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers GetItem (push tokens)')));
    const push: unknown = output.Item?.push;
    return Array.isArray(push) ? (push as PushToken[]) : [];
  }

  /**
   * Suppresses the number and records an opt-out for every SMS topic. `consent` and `consent.sms`
   * may not exist yet, and a SET on a path below a missing map is rejected, so the first write
   * assumes the usual shape; when its condition fails, the old item (returned with the failure)
   * says which shape to write for instead. Every write requires the customer to exist, so an
   * opt-out never creates a stub customer.
   */
  private async optOutSms(customerId: string, updatedAt: string): Promise<void> {
    let shape: CustomerShape = { phone: true, consent: true, sms: true };
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { customerId },
            ...optOutWrite(shape, updatedAt),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (sms opt-out)');
        if (!error.Item) return;
        shape = shapeOf(error.Item);
      }
    }
    throw new RetryableError('customer record changed concurrently while recording an SMS opt-out', 'ADDRESS_CHANGE_CONFLICT');
  }
}

interface CustomerShape {
  phone: boolean;
  consent: boolean;
  sms: boolean;
}

/** The failure's `Item` is in the low-level attribute-value form: the document client does not translate errors. */
function shapeOf(item: Record<string, unknown>): CustomerShape {
  const consent = (item.consent as { M?: Record<string, unknown> } | undefined)?.M;
  return { phone: item.phone !== undefined, consent: consent !== undefined, sms: consent?.sms !== undefined };
}

function optOutWrite(shape: CustomerShape, updatedAt: string) {
  const entry = { value: 'opt_out', updatedAt, source: 'sms_opt_out' };
  const sets: string[] = [];
  const conditions = ['attribute_exists(#customerId)'];
  // DynamoDB rejects unused names and values, so each branch declares only what it uses.
  const names: Record<string, string> = { '#customerId': 'customerId', '#phone': 'phone', '#consent': 'consent' };
  const values: Record<string, unknown> = {};
  if (shape.phone) {
    sets.push('#phone.#status = :suppressed', '#phone.#reason = :optedOut', '#phone.#updatedAt = :at');
    Object.assign(names, { '#status': 'status', '#reason': 'reason', '#updatedAt': 'updatedAt' });
    Object.assign(values, { ':suppressed': 'suppressed', ':optedOut': 'opted_out', ':at': updatedAt });
    conditions.push('attribute_exists(#phone)');
  } else {
    conditions.push('attribute_not_exists(#phone)');
  }
  if (shape.sms) {
    sets.push('#consent.#sms.#all = :entry');
    Object.assign(names, { '#sms': 'sms', '#all': '*' });
    values[':entry'] = entry;
    conditions.push('attribute_exists(#consent.#sms)');
  } else if (shape.consent) {
    sets.push('#consent.#sms = :sms');
    names['#sms'] = 'sms';
    values[':sms'] = { '*': entry };
    conditions.push('attribute_exists(#consent)', 'attribute_not_exists(#consent.#sms)');
  } else {
    sets.push('#consent = :consent');
    values[':consent'] = { sms: { '*': entry } };
    conditions.push('attribute_not_exists(#consent)');
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
