import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { ENV } from '../definitions/tables.js';

const table = (what: string) => z.string({ error: `is required (${what})` }).min(1, `is required (${what})`);
const optional = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const feedbackSchema = z.object({
  [ENV.customersTable]: table('customers table name'),
  [ENV.deliveriesTable]: table('deliveries table name'),
});
const inboxSchema = feedbackSchema.extend({ [ENV.inboxTable]: table('inbox table name') });
const unsubscribeSchema = feedbackSchema.extend({ [ENV.linkSigningSecretId]: optional });
const historySchema = z.object({ [ENV.deliveriesTable]: table('deliveries table name'), [ENV.customersTable]: table('customers table name, for consent provenance') });

export interface FeedbackConfig {
  tables: { customers: string; deliveries: string };
}
export interface InboxApiConfig {
  tables: { customers: string; deliveries: string; inbox: string };
}
export interface UnsubscribeConfig extends FeedbackConfig {
  /** The secret whose keys check the links; without one every link is refused. */
  linkSigningSecretId?: string;
}
export interface HistoryApiConfig {
  tables: { deliveries: string; customers: string };
}

/** Each handler reads its environment once at cold start; a bad deployment fails naming every key. */
export function readFeedbackConfig(env: Record<string, string | undefined>): FeedbackConfig {
  const v = parse(feedbackSchema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable] } };
}

export function readInboxApiConfig(env: Record<string, string | undefined>): InboxApiConfig {
  const v = parse(inboxSchema, env);
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable], inbox: v[ENV.inboxTable] } };
}

export function readUnsubscribeConfig(env: Record<string, string | undefined>): UnsubscribeConfig {
  const v = parse(unsubscribeSchema, env);
  const secretId = v[ENV.linkSigningSecretId];
  return { tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable] }, ...(secretId ? { linkSigningSecretId: secretId } : {}) };
}

export function readHistoryApiConfig(env: Record<string, string | undefined>): HistoryApiConfig {
  const v = parse(historySchema, env);
  return { tables: { deliveries: v[ENV.deliveriesTable], customers: v[ENV.customersTable] } };
}

function parse<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  return parsed.data;
}
