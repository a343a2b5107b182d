import * as z from 'zod';
import { readEnvironment, requiredSetting as required } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.customersTable]: required('customers table name'),
  [ENV.deliveriesTable]: required('deliveries table name, for erasure'),
  [ENV.inboxTable]: required('inbox table name, for erasure'),
  [ENV.countersTable]: required('counters table name, for erasure'),
  [ENV.templateBundlePath]: required('the compiled template bundle, which carries the topic registry consent is checked against'),
});

export interface ProfileApiConfig {
  tables: { customers: string; deliveries: string; inbox: string; counters: string };
  templateBundlePath: string;
}

/** Read once at cold start; a bad deployment fails naming every key. */
export function readProfileApiConfig(env: Record<string, string | undefined>): ProfileApiConfig {
  const v = readEnvironment(schema, env);
  return {
    tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable], inbox: v[ENV.inboxTable], counters: v[ENV.countersTable] },
    templateBundlePath: v[ENV.templateBundlePath],
  };
}
