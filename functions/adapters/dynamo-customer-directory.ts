import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../core/concurrency.js';
import { malformedCustomer, parseCustomerRecord } from '../core/customer-record.js';
import { codeOf, RetryableError } from '../core/errors.js';
import { CANONICAL_INSTANT_LENGTH } from '../core/instant.js';
import type { Customer, PushToken } from '../core/model.js';
import type { AddressChange, CustomerDirectory, MalformedCustomer } from '../core/ports.js';
import type { BackoffOptions } from './backoff.js';
import { BATCH_GET_LIMIT, batchGetAll, DEFAULT_BATCH_GET_BACKOFF } from './dynamo-batch-get.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { DynamoConsentWriter } from './dynamo-consent-writer.js';

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
  private readonly consent: DynamoConsentWriter;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoCustomerDirectoryOptions,
  ) {
    this.tableName = options.tableName;
    this.concurrency = options.concurrency ?? 4;
    this.backoff = { ...DEFAULT_BATCH_GET_BACKOFF, ...options.backoff };
    this.consent = new DynamoConsentWriter(client, { tableName: options.tableName });
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
    const items = await batchGetAll(
      this.client,
      { name: this.tableName, label: 'customers' },
      ids.map((customerId) => ({ customerId })),
      this.backoff,
    );
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
              ...(renew ? { ':newToken': change.newToken } : { ':suppressed': 'suppressed', ':invalid': 'invalid' }),
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
   * STOP: the number is suppressed and `consent.sms["*"]` opted out. Both follow newer-wins: a
   * number changed, or an opt-in given, after the opt-out was reported keeps its newer state.
   * Neither write creates a customer that does not exist.
   */
  private async optOutSms(customerId: string, updatedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { customerId },
          UpdateExpression: 'SET #phone.#status = :suppressed, #phone.#reason = :optedOut, #phone.#updatedAt = :at',
          ConditionExpression:
            'attribute_type(#phone, :map) AND (NOT attribute_type(#phone.#updatedAt, :string) OR size(#phone.#updatedAt) <> :canonicalLength OR #phone.#updatedAt <= :at)',
          ExpressionAttributeNames: { '#phone': 'phone', '#status': 'status', '#reason': 'reason', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: {
            ':suppressed': 'suppressed',
            ':optedOut': 'opted_out',
            ':at': updatedAt,
            ':map': 'M',
            ':string': 'S',
            ':canonicalLength': CANONICAL_INSTANT_LENGTH,
          },
        }),
      );
    } catch (error) {
      // No number on file, or one changed after the opt-out: nothing to suppress.
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (sms opt-out)');
    }
    try {
      await this.consent.apply(customerId, [{ channel: 'sms', topic: '*', value: 'opt_out', source: 'sms_opt_out', updatedAt }]);
    } catch (error) {
      if (codeOf(error) !== 'UNKNOWN_CUSTOMER') throw error;
    }
  }
}
