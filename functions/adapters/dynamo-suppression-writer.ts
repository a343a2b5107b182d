import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RetryableError } from '../core/errors.js';
import type { SuppressionWriter } from '../core/feedback/ports.js';
import type { SuppressionChange, SuppressionPlan } from '../core/feedback/suppression.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

type TopicOptOut = Extract<SuppressionChange, { kind: 'opt_out_topics' }>;
/** Which part of `consent.email` exists; a SET below a missing map is rejected, so the write follows the shape. */
type ConsentShape = 'email' | 'consent' | 'none';

/**
 * Suppressions learned from feedback, as attribute-level updates of the customers table: nothing
 * else in the record is touched, and a customer that does not exist is never created.
 */
export class DynamoSuppressionWriter implements SuppressionWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {}

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

  /**
   * The first write assumes `consent.email` exists, as it does for nearly every customer; when
   * the condition fails, the old item returned with the failure says which shape to write for,
   * and whether the `"*"` opt-in to withdraw is still there (it may have become an opt-out).
   */
  private async optOutTopics(customerId: string, change: TopicOptOut, plan: SuppressionPlan): Promise<void> {
    let shape: ConsentShape = 'email';
    let withdraw = change.withdrawEveryTopicOptIn;
    for (let attempt = 0; attempt < 4; attempt++) {
      const update = topicUpdate(shape, change.topics, withdraw, { value: 'opt_out', updatedAt: plan.at, source: plan.source });
      if (!update) return;
      try {
        await this.client.send(new UpdateCommand({ TableName: this.options.tableName, Key: { customerId }, ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (consent opt-out)');
        if (!error.Item) return;
        const consent = mapOf(error.Item.consent);
        const email = mapOf(consent?.email);
        shape = email ? 'email' : consent ? 'consent' : 'none';
        withdraw = withdraw && email !== undefined && isOptIn(email['*']);
      }
    }
    throw new RetryableError('customer consent changed concurrently while recording an opt-out', 'CONSENT_CHANGE_CONFLICT');
  }
}

function topicUpdate(shape: ConsentShape, topics: string[], withdraw: boolean, entry: Record<string, string>) {
  const names: Record<string, string> = { '#customerId': 'customerId', '#consent': 'consent' };
  const values: Record<string, unknown> = {};
  const conditions = ['attribute_exists(#customerId)'];
  if (shape !== 'email') {
    // No email consent yet: nothing to withdraw, and the new map holds only the opt-outs.
    if (topics.length === 0) return undefined;
    const map = Object.fromEntries(topics.map((topic) => [topic, entry]));
    if (shape === 'consent') {
      names['#email'] = 'email';
      values[':email'] = map;
      conditions.push('attribute_exists(#consent)', 'attribute_not_exists(#consent.#email)');
      return { UpdateExpression: 'SET #consent.#email = :email', ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
    }
    values[':consent'] = { email: map };
    conditions.push('attribute_not_exists(#consent)');
    return { UpdateExpression: 'SET #consent = :consent', ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
  }
  names['#email'] = 'email';
  conditions.push('attribute_exists(#consent.#email)');
  const sets = topics.map((topic, i) => {
    names[`#t${i}`] = topic;
    return `#consent.#email.#t${i} = :entry`;
  });
  if (sets.length > 0) values[':entry'] = entry;
  if (withdraw) {
    Object.assign(names, { '#all': '*', '#value': 'value' });
    values[':optIn'] = 'opt_in';
    conditions.push('(#consent.#email.#all = :optIn OR #consent.#email.#all.#value = :optIn)');
  }
  if (sets.length === 0 && !withdraw) return undefined;
  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', withdraw ? 'REMOVE #consent.#email.#all' : ''].filter(Boolean).join(' ');
  return { UpdateExpression: expression, ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** The failure's `Item` is in the low-level attribute-value form: the document client does not translate errors. */
function mapOf(value: unknown): Record<string, unknown> | undefined {
  return (value as { M?: Record<string, unknown> } | undefined)?.M;
}

function isOptIn(entry: unknown): boolean {
  const raw = entry as { S?: string; M?: { value?: { S?: string } } } | undefined;
  return raw?.S === 'opt_in' || raw?.M?.value?.S === 'opt_in';
}
