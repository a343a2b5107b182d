import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storedConsentFacts, supersedes } from '../core/consent-precedence.js';
import { codeOf, RetryableError } from '../core/errors.js';
import type { SuppressionWriter } from '../core/feedback/ports.js';
import type { SuppressionChange, SuppressionPlan } from '../core/feedback/suppression.js';
import { CANONICAL_INSTANT_LENGTH, canonicalInstant } from '../core/instant.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';
import { DynamoConsentWriter } from './dynamo-consent-writer.js';

type TopicOptOut = Extract<SuppressionChange, { kind: 'opt_out_topics' }>;
/** `ordered`: the condition compares canonical times itself; `{ seenAt }`: only while the record still holds that time. */
type Guard = 'ordered' | { seenAt: string };

/** A lost race costs one more try; a record that keeps changing under us is worth a retry later. */
const MAX_ATTEMPTS = 5;

/**
 * Suppressions learned from feedback, as attribute-level updates of the customers table: nothing
 * else in the record is touched, and a customer that does not exist is never created. Consent
 * changes follow the same newer-wins rule as every other consent writer, so an event delivered
 * late never overrides what the customer decided after it.
 */
export class DynamoSuppressionWriter implements SuppressionWriter {
  private readonly consent: DynamoConsentWriter;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {
    this.consent = new DynamoConsentWriter(client, options);
  }

  async apply(customerId: string, plan: SuppressionPlan): Promise<void> {
    for (const change of plan.changes) {
      if (change.kind === 'suppress_address') await this.suppressEmail(customerId, change.reason, plan);
      else if (change.kind === 'opt_out_topics') await this.optOutTopics(customerId, change, plan);
    }
  }

  private async suppressEmail(customerId: string, reason: string, plan: SuppressionPlan): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { customerId },
          UpdateExpression: 'SET #email.#status = :suppressed, #email.#reason = :reason, #email.#updatedAt = :at, #email.#source = :source',
          ConditionExpression: 'attribute_exists(#email)',
          ExpressionAttributeNames: { '#email': 'email', '#status': 'status', '#reason': 'reason', '#updatedAt': 'updatedAt', '#source': 'source' },
          ExpressionAttributeValues: { ':suppressed': 'suppressed', ':reason': reason, ':at': plan.at, ':source': plan.source },
        }),
      );
    } catch (error) {
      // No address on file (or no customer): nothing left to suppress.
      if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (email suppression)');
    }
  }

  private async optOutTopics(customerId: string, change: TopicOptOut, plan: SuppressionPlan): Promise<void> {
    const changes = change.topics.map((topic) => ({ channel: 'email' as const, topic, value: 'opt_out' as const, source: plan.source, updatedAt: plan.at }));
    try {
      if (changes.length > 0) await this.consent.apply(customerId, changes);
    } catch (error) {
      // A customer erased or never stored has no consent left to change.
      if (codeOf(error) === 'UNKNOWN_CUSTOMER') return;
      throw error;
    }
    if (change.withdrawEveryTopicOptIn) await this.withdrawEveryTopicOptIn(customerId, plan.at);
  }

  /**
   * Removes an `"*": opt_in` from `consent.email` unless it was given after the event: a customer
   * who opted in again since then keeps that choice. An undated opt-in is older than any event.
   */
  private async withdrawEveryTopicOptIn(customerId: string, eventAt: string): Promise<void> {
    const at = canonicalInstant(eventAt);
    if (!at) return;
    let guard: Guard = 'ordered';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({ TableName: this.options.tableName, Key: { customerId }, ...withdrawal(at, guard), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (withdraw every-topic opt-in)');
        const stored = everyTopicEntry(error.Item);
        if (!stored || stored.value !== 'opt_in' || !supersedes({ value: 'opt_out', updatedAt: at }, stored)) return;
        if (typeof stored.updatedAt !== 'string') return;
        guard = { seenAt: stored.updatedAt };
      }
    }
    throw new RetryableError('customer consent changed concurrently on every try', 'CONSENT_CHANGE_CONFLICT');
  }
}

function withdrawal(at: string, guard: Guard) {
  const entry = '#consent.#email.#all';
  const names = { '#consent': 'consent', '#email': 'email', '#all': '*', '#value': 'value', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':optIn': 'opt_in' };
  let dated: string;
  if (guard === 'ordered') {
    Object.assign(values, { ':string': 'S', ':canonicalLength': CANONICAL_INSTANT_LENGTH, ':at': at });
    const time = `${entry}.#updatedAt`;
    dated = `(NOT attribute_type(${time}, :string) OR (size(${time}) = :canonicalLength AND ${time} <= :at))`;
  } else {
    values[':seenAt'] = guard.seenAt;
    dated = `${entry}.#updatedAt = :seenAt`;
  }
  return {
    UpdateExpression: `REMOVE ${entry}`,
    ConditionExpression: `${entry} = :optIn OR (${entry}.#value = :optIn AND ${dated})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The `"*"` entry of `consent.email` in the record returned with a failed condition (low-level attribute values). */
function everyTopicEntry(item: Record<string, unknown> | undefined) {
  const consent = (item?.consent as { M?: Record<string, unknown> } | undefined)?.M;
  const email = (consent?.email as { M?: Record<string, unknown> } | undefined)?.M;
  const entry = email?.['*'] as { S?: string; M?: Record<string, { S?: string }> } | undefined;
  if (!entry) return undefined;
  if (entry.S !== undefined) return storedConsentFacts(entry.S);
  return storedConsentFacts({ value: entry.M?.value?.S, updatedAt: entry.M?.updatedAt?.S });
}
