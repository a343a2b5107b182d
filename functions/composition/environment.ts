import * as z from 'zod';
import { ConfigError } from '../core/errors.js';

/** A setting the deployment must provide; `what` tells an operator which one it is. */
export const requiredSetting = (what: string) => z.string({ error: `is required (${what})` }).min(1, `is required (${what})`);

/** A setting that may be absent; an empty value counts as absent. */
export const optionalSetting = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** Read once at cold start: a bad deployment fails naming every wrong key, not just the first. */
export function readEnvironment<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  return parsed.data;
}
