import * as z from 'zod';
import { optionalSetting, readEnvironment, requiredSetting } from '../composition/environment.js';
import type { FeedbackConfig } from '../composition/feedback.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: requiredSetting('customers table name'),
  [ENV.deliveriesTable]: requiredSetting('deliveries table name'),
  [ENV.linkSigningSecretId]: optionalSetting,
});

export interface UnsubscribeConfig extends FeedbackConfig {
  /** The secret whose keys check the links; without one every link is refused. */
  linkSigningSecretId?: string;
}

export function readUnsubscribeConfig(env: Record<string, string | undefined>): UnsubscribeConfig {
  const v = readEnvironment(schema, env);
  const secretId = v[ENV.linkSigningSecretId];
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable] }, ...(secretId ? { linkSigningSecretId: secretId } : {}) };
}
