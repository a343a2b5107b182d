import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { ENV } from '../definitions/tables.js';

const required = (what: string) => z.string({ error: `is required (${what})` }).min(1, `is required (${what})`);

const schema = z.object({
  [ENV.customersTable]: required('customers table name'),
  [ENV.templateBundlePath]: required('the compiled template bundle, which carries the topic registry'),
  [ENV.brandName]: required('the brand name customers see').max(80, 'must be at most 80 characters'),
  // Absent: links cannot be checked and the page refuses every one (fail closed).
  [ENV.linkSigningSecretId]: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
});

export interface PreferencesConfig {
  tables: { customers: string };
  templateBundlePath: string;
  brandName: string;
  /** Name or ARN of the secret holding the link signing keys. */
  linkSigningSecretId?: string;
}

/** Read once at cold start; a bad deployment fails naming every key. */
export function readPreferencesConfig(env: Record<string, string | undefined>): PreferencesConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const v = parsed.data;
  const secretId = v[ENV.linkSigningSecretId];
  return {
    tables: { customers: v[ENV.customersTable] },
    templateBundlePath: v[ENV.templateBundlePath],
    brandName: v[ENV.brandName],
    ...(secretId ? { linkSigningSecretId: secretId } : {}),
  };
}
