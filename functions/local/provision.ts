import { type AttributeDefinition, CreateTableCommand, type DynamoDBClient, type KeySchemaElement, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type KeyAttribute, requestsQueue, TABLES, type TableDefinition } from '../definitions/tables.js';

export type TableNames = Record<TableDefinition['logicalName'], string>;

export interface QueueNames {
  requests: { url: string; arn: string; name: string };
  deadLetter: { url: string; arn: string; name: string };
}

/**
 * Creates every table from the shared definitions, as the stack would: on-demand, GSIs
 * projecting everything, TTL on, a stream where the definition asks for one. Idempotent, so local
 * mode can run it at every start.
 */
export async function createTables(client: DynamoDBClient, prefix: string, options: CreateTablesOptions = {}): Promise<TableNames> {
  const names = {} as TableNames;
  await Promise.all(
    TABLES.map(async (table) => {
      const tableName = `${prefix}${table.logicalName}`;
      names[table.logicalName] = tableName;
      await createTable(client, tableName, table, options.timeToLive ?? true);
    }),
  );
  return names;
}

export interface CreateTablesOptions {
  /**
   * Whether expired items are deleted. DynamoDB Local deletes them within a second of their time
   * (AWS takes up to days), so code run on a pinned past clock would see its items vanish; no
   * behaviour of Switchboard relies on the deletion. Default: on, as deployed.
   */
  timeToLive?: boolean;
}

async function createTable(client: DynamoDBClient, tableName: string, table: TableDefinition, timeToLive: boolean): Promise<void> {
  const gsis = table.globalSecondaryIndexes ?? [];
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [table.partitionKey, table.sortKey, ...gsis.flatMap((g) => [g.partitionKey, g.sortKey])]) {
    if (key) attributes.set(key.name, key);
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes.values()].map((a): AttributeDefinition => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
        ...(gsis.length > 0
          ? { GlobalSecondaryIndexes: gsis.map((g) => ({ IndexName: g.indexName, KeySchema: keySchema(g.partitionKey, g.sortKey), Projection: { ProjectionType: g.projection } })) }
          : {}),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  if (table.timeToLiveAttribute && timeToLive) {
    try {
      await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true } }));
    } catch (error) {
      // Re-enabling TTL on an existing table is refused; the table already has it.
      if ((error as Error).name !== 'ValidationException') throw error;
    }
  }
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [{ AttributeName: partitionKey.name, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : [])];
}

/** The requests queue and its dead-letter queue with the redrive policy the stack uses. */
export async function createQueues(client: SQSClient, prefix: string): Promise<QueueNames> {
  const definition = requestsQueue;
  const deadLetterName = `${prefix}${definition.logicalName}-dlq`;
  const deadLetter = await createQueue(client, deadLetterName, { MessageRetentionPeriod: String(definition.deadLetterRetentionDays * 86_400) });
  const requestsName = `${prefix}${definition.logicalName}`;
  const requests = await createQueue(client, requestsName, {
    VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: definition.maxReceiveCount }),
  });
  return { requests: { ...requests, name: requestsName }, deadLetter: { ...deadLetter, name: deadLetterName } };
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  const described = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = described.Attributes?.QueueArn;
  if (!arn) throw new Error(`no ARN for queue ${name}`);
  return { url, arn };
}
