import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.deliveriesTable]: requiredSetting('deliveries table name, read to learn from'),
  [ENV.countersTable]: requiredSetting('counters table name, where the learned priors are kept'),
});

export interface PriorsRefreshConfig {
  tables: { deliveries: string; counters: string };
}

export function readPriorsRefreshConfig(env: Record<string, string | undefined>): PriorsRefreshConfig {
  const v = readEnvironment(schema, env);
  return { tables: { deliveries: v[ENV.deliveriesTable], counters: v[ENV.countersTable] } };
}
