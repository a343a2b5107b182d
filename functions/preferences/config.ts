import * as z from 'zod';
import { readEnvironment, requiredSetting as required } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

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
  const v = readEnvironment(schema, env);
  const secretId = v[ENV.linkSigningSecretId];
  return {
    tables: { customers: v[ENV.customersTable] },
    templateBundlePath: v[ENV.templateBundlePath],
    brandName: v[ENV.brandName],
    ...(secretId ? { linkSigningSecretId: secretId } : {}),
  };
}
