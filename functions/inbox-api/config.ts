import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import { type FeedbackConfig, wakeAdvancerSchema, wakeAdvancerSettings, type WakeAdvancerSettings } from '../composition/feedback.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: requiredSetting('customers table name'),
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
  [ENV.inboxTable]: requiredSetting('inbox table name'),
  ...wakeAdvancerSchema,
});

/**
 * Reading and opening an in-app message is engagement, recorded by the feedback use case, and so
 * is a push the app reports opened: one concludes an escalation at once, through `wakes`.
 */
export interface InboxApiConfig extends FeedbackConfig {
  tables: FeedbackConfig['tables'] & { inbox: string };
  wakes: WakeAdvancerSettings;
}

export function readInboxApiConfig(env: Record<string, string | undefined>): InboxApiConfig {
  const v = readEnvironment(schema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable], inbox: v[ENV.inboxTable] }, wakes: wakeAdvancerSettings(v) };
}
