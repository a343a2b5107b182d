import * as z from 'zod';
import { readEnvironment, requiredSetting } from '../composition/environment.js';
import type { FeedbackConfig } from '../composition/feedback.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: requiredSetting('customers table name'),
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
  [ENV.inboxTable]: requiredSetting('inbox table name'),
});

/** Reading and opening an in-app message is engagement, recorded by the feedback use case. */
export interface InboxApiConfig extends FeedbackConfig {
  tables: FeedbackConfig['tables'] & { inbox: string };
}

export function readInboxApiConfig(env: Record<string, string | undefined>): InboxApiConfig {
  const v = readEnvironment(schema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable], inbox: v[ENV.inboxTable] } };
}
