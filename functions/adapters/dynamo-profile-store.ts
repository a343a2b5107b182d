import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError, RetryableError } from '../core/errors.js';
import { CANONICAL_INSTANT_LENGTH, instantMs } from '../core/instant.js';
import type { ConsentReader } from '../core/history.js';
import { type ContextPatch, OBSERVED_CONTEXT_FIELDS } from '../core/profile/context-input.js';
import type { ProfileStore, StoredCustomer } from '../core/profile/ports.js';
import { afterWrite, GUARDED_FIELDS, type ProfileWrite } from '../core/profile/profile-write.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

const MAX_ATTEMPTS = 4;

/** `ordered`: the condition compares canonical times as text; `{ seenAt }`: compared after parsing, the write needs that same time still there. */
type ContextStep = { shape: 'fields' | 'whole'; guard: 'ordered' | { seenAt: string } } | 'stale';

/**
 * Profile and context writes on the customers table. A replace is a conditional write of the
 * profile fields alone, so concurrent writers of consent, engagement or address state (feedback,
 * the orchestrator) are never overwritten; a context observation only replaces an older one.
 */
export class DynamoProfileStore implements ProfileStore, ConsentReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly options: { tableName: string },
  ) {}

  async get(customerId: string): Promise<StoredCustomer | undefined> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.options.tableName, Key: { customerId }, ConsistentRead: true }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers GetItem')));
    return output.Item;
  }

  /** Only the consent attribute: the history view needs nothing else of the record. */
  async consentOf(customerId: string): Promise<unknown> {
    const output = await this.client
      .send(new GetCommand({ TableName: this.options.tableName, Key: { customerId }, ProjectionExpression: '#consent', ExpressionAttributeNames: { '#consent': 'consent' } }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'customers GetItem (consent)')));
    return output.Item?.consent;
  }

  async replace(customerId: string, plan: (current: StoredCustomer | undefined) => ProfileWrite): Promise<{ created: boolean; record: StoredCustomer }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.get(customerId);
      const write = plan(current);
      // Nothing to set or remove: the record already holds this profile.
      if (current && Object.keys(write.set).length === 0 && write.remove.length === 0) return { created: false, record: current };
      try {
        if (current) await this.client.send(this.update(customerId, write));
        else await this.client.send(this.create(customerId, write));
        return { created: !current, record: afterWrite(customerId, current, write) };
      } catch (error) {
        // Created, deleted or given new address state since the read: read again.
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, `customers ${current ? 'UpdateItem' : 'PutItem'} (profile)`);
      }
    }
    throw new RetryableError('the customer record changed concurrently on every try', 'PROFILE_CHANGE_CONFLICT');
  }

  private create(customerId: string, write: ProfileWrite): PutCommand {
    return new PutCommand({
      TableName: this.options.tableName,
      Item: { ...write.set, customerId },
      ConditionExpression: 'attribute_not_exists(#customerId)',
      ExpressionAttributeNames: { '#customerId': 'customerId' },
    });
  }

  private update(customerId: string, write: ProfileWrite): UpdateCommand {
    const names: Record<string, string> = { '#customerId': 'customerId' };
    const values: Record<string, unknown> = {};
    const sets = Object.entries(write.set).map(([field, value]) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      return `#${field} = :${field}`;
    });
    const removes = write.remove.map((field) => {
      names[`#${field}`] = field;
      return `#${field}`;
    });
    const conditions = ['attribute_exists(#customerId)'];
    for (const field of GUARDED_FIELDS) {
      names[`#${field}`] = field;
      const seen = write.guards[field];
      if (seen === undefined) conditions.push(`attribute_not_exists(#${field})`);
      else {
        values[`:seen_${field}`] = seen;
        conditions.push(`#${field} = :seen_${field}`);
      }
    }
    return new UpdateCommand({
      TableName: this.options.tableName,
      Key: { customerId },
      UpdateExpression: [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      // DynamoDB refuses an empty map of values.
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    });
  }

  async applyContext(customerId: string, patch: ContextPatch): Promise<'applied' | 'stale'> {
    let step: ContextStep = { shape: 'fields', guard: 'ordered' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({ TableName: this.options.tableName, Key: { customerId }, ...contextUpdate(patch, step), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
        );
        return 'applied';
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw toSwitchboardError(error, 'customers UpdateItem (context)');
        step = nextContextStep(error.Item, patch);
        if (step === 'stale') return 'stale';
      }
    }
    throw new RetryableError('the customer context changed concurrently on every try', 'CONTEXT_CHANGE_CONFLICT');
  }
}

function contextUpdate(patch: ContextPatch, step: Exclude<ContextStep, 'stale'>) {
  const names: Record<string, string> = { '#customerId': 'customerId', '#context': 'context' };
  const values: Record<string, unknown> = {};
  const conditions = ['attribute_exists(#customerId)'];
  if (step.shape === 'whole') {
    const context: Record<string, unknown> = { observedAt: patch.observedAt };
    for (const field of OBSERVED_CONTEXT_FIELDS) if (patch[field] !== undefined && patch[field] !== null) context[field] = patch[field];
    values[':context'] = context;
    conditions.push('attribute_not_exists(#context)');
    return { UpdateExpression: 'SET #context = :context', ConditionExpression: conditions.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
  }
  names['#observedAt'] = 'observedAt';
  Object.assign(values, { ':map': 'M', ':observedAt': patch.observedAt });
  const sets = ['#context.#observedAt = :observedAt'];
  const removes: string[] = [];
  for (const field of OBSERVED_CONTEXT_FIELDS) {
    if (patch[field] === undefined) continue;
    names[`#${field}`] = field;
    if (patch[field] === null) removes.push(`#context.#${field}`);
    else {
      values[`:${field}`] = patch[field];
      sets.push(`#context.#${field} = :${field}`);
    }
  }
  conditions.push('attribute_type(#context, :map)');
  const at = '#context.#observedAt';
  if (step.guard === 'ordered') {
    Object.assign(values, { ':string': 'S', ':canonicalLength': CANONICAL_INSTANT_LENGTH });
    conditions.push(`(NOT attribute_type(${at}, :string) OR (size(${at}) = :canonicalLength AND ${at} <= :observedAt))`);
  } else {
    values[':seenAt'] = step.guard.seenAt;
    conditions.push(`${at} = :seenAt`);
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Reads the record returned with the failed condition (low-level attribute values). */
function nextContextStep(item: Record<string, unknown> | undefined, patch: ContextPatch): ContextStep {
  if (!item) throw new PermanentError('no customer with this id', 'UNKNOWN_CUSTOMER');
  const context = item.context as { M?: Record<string, { S?: string } | undefined> } | undefined;
  if (context === undefined) return { shape: 'whole', guard: 'ordered' };
  if (!context.M) throw new PermanentError("the customer record's context is not a map", 'MALFORMED_CUSTOMER');
  const seenAt = context.M.observedAt?.S;
  const seenMs = instantMs(seenAt);
  if (seenMs !== undefined && seenMs > Date.parse(patch.observedAt)) return 'stale';
  return { shape: 'fields', guard: seenAt === undefined ? 'ordered' : { seenAt } };
}
