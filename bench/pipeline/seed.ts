import { type DynamoDBDocumentClient, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../../functions/core/concurrency.js';
import type { Customer } from '../../functions/core/model.js';

/** Writes the customers 25 at a time (BatchWriteItem's limit), retrying what DynamoDB left unprocessed. */
export async function seedCustomers(documents: DynamoDBDocumentClient, tableName: string, customers: readonly Customer[]): Promise<void> {
  const chunks: Customer[][] = [];
  for (let i = 0; i < customers.length; i += 25) chunks.push(customers.slice(i, i + 25));
  await mapWithConcurrency(chunks, 8, async (chunk) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 10) throw new Error(`seeding left ${pending.length} customers unwritten`);
      const output = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  });
}
