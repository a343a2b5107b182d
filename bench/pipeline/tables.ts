import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../../functions/local/provision.js';
import { mean } from '../stats.js';
import { itemBytes } from './item-size.js';

export interface StoredFacts {
  /** Delivery records by final status: shows the mix really exercised every path. */
  outcomes: Record<string, number>;
  /** Items in the deliveries table that are not delivery records (the SMS message-id index). */
  otherDeliveryTableItems: number;
  /** Mean stored size of a delivery record and of an inbox item, from a sample. */
  deliveryItemBytes: number;
  inboxItemBytes: number;
  inboxItems: number;
}

const SAMPLE = 500;

/** Reads back what the run left in DynamoDB, with a client of its own (not counted). */
export async function inspectTables(client: DynamoDBClient, tables: TableNames): Promise<StoredFacts> {
  const outcomes: Record<string, number> = {};
  const deliverySizes: number[] = [];
  let otherDeliveryTableItems = 0;
  for await (const item of scan(client, tables.deliveries)) {
    const status = item.status?.S;
    if (status === undefined) {
      otherDeliveryTableItems++;
      continue;
    }
    outcomes[status] = (outcomes[status] ?? 0) + 1;
    if (deliverySizes.length < SAMPLE) deliverySizes.push(itemBytes(item));
  }
  const inboxSizes: number[] = [];
  let inboxItems = 0;
  for await (const item of scan(client, tables.inbox)) {
    inboxItems++;
    if (inboxSizes.length < SAMPLE) inboxSizes.push(itemBytes(item));
  }
  return { outcomes, otherDeliveryTableItems, deliveryItemBytes: mean(deliverySizes), inboxItemBytes: mean(inboxSizes), inboxItems };
}

async function* scan(client: DynamoDBClient, tableName: string): AsyncGenerator<Record<string, AttributeValue>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
