import { readFileSync } from 'node:fs';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../core/model.js';
import type { SendRequestInput } from '../../core/request.js';
import type { FaultsPatch } from '../sandbox/state.js';
import { resolveTokens } from './tokens.js';

export interface DemoCustomer {
  /** What the customer demonstrates, shown on the outbox page. */
  note: string;
  customer: Customer;
}

function readSeed<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;
}

export function demoCustomers(now: Date): DemoCustomer[] {
  return resolveTokens(readSeed<DemoCustomer[]>('customers.json'), now, '');
}

/** The demo's send requests; `run` makes their ids unique, so a replay is not a duplicate. */
export function demoScenario(now: Date, run: string): SendRequestInput[] {
  return resolveTokens(readSeed<SendRequestInput[]>('scenario.json'), now, run);
}

export function demoProviderFaults(): FaultsPatch {
  return readSeed<FaultsPatch>('provider-faults.json');
}

/** Writes the customers as upstream systems would: whole items, 25 to a batch. */
export async function seedCustomers(client: DynamoDBDocumentClient, tableName: string, customers: readonly Customer[]): Promise<void> {
  for (let i = 0; i < customers.length; i += 25) {
    let pending: Record<string, unknown>[] = customers.slice(i, i + 25).map((customer) => ({ PutRequest: { Item: customer } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 5) throw new Error(`seeding left ${pending.length} customers unwritten`);
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
