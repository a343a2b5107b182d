import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import type { FeedbackConfig } from '../composition/feedback.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: requiredSetting('customers table name'),
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
});

export function readFeedbackConfig(env: Record<string, string | undefined>): FeedbackConfig {
  const v = readEnvironment(schema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable] } };
}
