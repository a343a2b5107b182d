import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storedConsentFacts, supersedes } from '../core/consent-precedence.js';
import { PermanentError, RetryableError } from '../core/errors.js';
import { CANONICAL_INSTANT_LENGTH, canonicalInstant } from '../core/instant.js';
import type { ConsentChange, ConsentWriteResult, ConsentWriter } from '../core/ports.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

/**
 * Where the entry goes: under an existing `consent.<channel>` map, as a new `consent.<channel>`
 * map, or as a new `consent` attribute. A SET below a missing map is rejected, so the write
 * follows the shape the record has.
 */
type Shape = 'topic' | 'channel' | 'consent';
/**
 * `ordered`: the condition itself compares times (stored in canonical form, text order is time
 * order). `{ seenAt }`: the time on the record could not be compared as text, so it was compared
 * after parsing, and the write only goes ahead while the record still holds that same time.
 */
type Guard = 'ordered' | { seenAt: string };
type Step = { shape: Shape; guard: Guard } | 'stale';

/** A lost race costs one more try; a record that keeps changing under us is worth a retry later. */
const MAX_ATTEMPTS = 5;

/**
 * Consent changes as one conditional UpdateItem per channel × topic, so an older change never
 * overwrites a newer one, whatever order concurrent writers arrive in (see `supersedes` for the
 * rule, same-instant ties included). Nothing else in the record is touched, and a customer that
 * does not exist is never created. Times are stored canonical (`toISOString`).
 */
export class DynamoConsentWriter implements ConsentWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {}

  async apply(customerId: string, changes: readonly ConsentChange[]): Promise<ConsentWriteResult> {
    const normalized = changes.map(canonicalChange);
    const result: ConsentWriteResult = { applied: [], stale: [] };
    // In the order given: two changes of one channel and topic in a call are settled by the same rule.
    for (const change of normalized) {
      if (await this.write(customerId, change)) result.applied.push(change);
      else result.stale.push(change);
    }
    return result;
  }

  /** True when written, false when the record holds a change that wins over this one. */
  private async write(customerId: string, change: ConsentChange): Promise<boolean> {
    let step: Step = { shape: 'topic', guard: 'ordered' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({ TableName: this.options.tableName, Key: { customerId }, ...consentUpdate(change, step), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
        return true;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (consent)');
        step = nextStep(error.Item, change);
        if (step === 'stale') return false;
      }
    }
    throw new RetryableError('customer consent changed concurrently on every try', 'CONSENT_CHANGE_CONFLICT');
  }
}

function canonicalChange(change: ConsentChange): ConsentChange {
  const updatedAt = canonicalInstant(change.updatedAt);
  if (!updatedAt) throw new PermanentError('a consent change needs an ISO 8601 updatedAt between the years 0 and 9999', 'INVALID_CONSENT_CHANGE');
  return { channel: change.channel, topic: change.topic, value: change.value, source: change.source, updatedAt };
}

function consentUpdate(change: ConsentChange, step: Exclude<Step, 'stale'>) {
  const entry = { value: change.value, updatedAt: change.updatedAt, source: change.source };
  const names: Record<string, string> = { '#customerId': 'customerId', '#consent': 'consent' };
  const values: Record<string, unknown> = {};
  const conditions = ['attribute_exists(#customerId)'];
  if (step.shape === 'consent') {
    values[':consent'] = { [change.channel]: { [change.topic]: entry } };
    conditions.push('attribute_not_exists(#consent)');
    return { UpdateExpression: 'SET #consent = :consent', ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
  }
  names['#channel'] = change.channel;
  values[':map'] = 'M';
  if (step.shape === 'channel') {
    values[':channel'] = { [change.topic]: entry };
    conditions.push('attribute_type(#consent, :map)', 'attribute_not_exists(#consent.#channel)');
    return {
      UpdateExpression: 'SET #consent.#channel = :channel',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
  Object.assign(names, { '#topic': change.topic, '#updatedAt': 'updatedAt' });
  values[':entry'] = entry;
  conditions.push('attribute_type(#consent.#channel, :map)');
  const at = '#consent.#channel.#topic.#updatedAt';
  if (step.guard === 'ordered') {
    Object.assign(values, { ':string': 'S', ':canonicalLength': CANONICAL_INSTANT_LENGTH, ':at': change.updatedAt });
    let tie = `${at} = :at`;
    if (change.value === 'opt_in') {
      names['#value'] = 'value';
      values[':value'] = change.value;
      tie += ' AND #consent.#channel.#topic.#value = :value';
    }
    conditions.push(`(NOT attribute_type(#consent.#channel.#topic, :map) OR NOT attribute_type(${at}, :string) OR (size(${at}) = :canonicalLength AND ${at} < :at) OR (${tie}))`);
  } else {
    values[':seenAt'] = step.guard.seenAt;
    conditions.push(`${at} = :seenAt`);
  }
  return {
    UpdateExpression: 'SET #consent.#channel.#topic = :entry',
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Reads the record returned with the failed condition (low-level attribute values) to decide the next write. */
function nextStep(item: Record<string, unknown> | undefined, change: ConsentChange): Step {
  if (!item) throw new PermanentError('no customer with this id', 'UNKNOWN_CUSTOMER');
  const consent = item.consent as AttributeValue | undefined;
  if (consent === undefined) return { shape: 'consent', guard: 'ordered' };
  if (!consent.M) throw malformed('consent');
  const channel = consent.M[change.channel] as AttributeValue | undefined;
  if (channel === undefined) return { shape: 'channel', guard: 'ordered' };
  if (!channel.M) throw malformed(`consent.${change.channel}`);
  const facts = storedConsentFacts(plain(channel.M[change.topic] as AttributeValue | undefined));
  if (!supersedes(change, facts)) return 'stale';
  return { shape: 'topic', guard: typeof facts?.updatedAt === 'string' ? { seenAt: facts.updatedAt } : 'ordered' };
}

interface AttributeValue {
  S?: string;
  M?: Record<string, unknown>;
}

/** Just enough of an entry to order it: a bare string, or a map's `value` and `updatedAt` strings. */
function plain(entry: AttributeValue | undefined): unknown {
  if (entry === undefined) return undefined;
  if (entry.S !== undefined) return entry.S;
  if (!entry.M) return {};
  const field = (name: string) => (entry.M?.[name] as AttributeValue | undefined)?.S;
  return { value: field('value'), updatedAt: field('updatedAt') };
}

function malformed(path: string): PermanentError {
  return new PermanentError(`the customer record's ${path} is not a map`, 'MALFORMED_CUSTOMER');
}
