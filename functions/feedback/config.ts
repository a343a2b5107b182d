import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import { type FeedbackConfig, wakeAdvancerSchema, wakeAdvancerSettings, type WakeAdvancerSettings } from '../composition/feedback.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: requiredSetting('customers table name'),
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
  ...wakeAdvancerSchema,
});

/** SES opens and clicks are engagement: one concludes an escalation at once, through `wakes`. */
export interface FeedbackHandlerConfig extends FeedbackConfig {
  wakes: WakeAdvancerSettings;
}

export function readFeedbackConfig(env: Record<string, string | undefined>): FeedbackHandlerConfig {
  const v = readEnvironment(schema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable] }, wakes: wakeAdvancerSettings(v) };
}
