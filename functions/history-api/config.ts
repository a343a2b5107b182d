import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
  [ENV.customersTable]: requiredSetting('customers table name, for consent provenance'),
});

export interface HistoryApiConfig {
  tables: { deliveries: string; customers: string };
}

export function readHistoryApiConfig(env: Record<string, string | undefined>): HistoryApiConfig {
  const v = readEnvironment(schema, env);
  return { tables: { deliveries: v[ENV.deliveriesTable], customers: v[ENV.customersTable] } };
}
