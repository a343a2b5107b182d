import * as z from 'zod';
import { readEnvironment, requiredSetting as required } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const schema = z.object({
  [ENV.requestsQueueUrl]: z.url({ error: 'must be the URL of the requests queue, where send requests are put' }),
  [ENV.templateBundlePath]: required('the compiled template bundle, whose templates and topic registry requests are checked against'),
});

export interface IngestConfig {
  queueUrl: string;
  templateBundlePath: string;
}

/** Read once at cold start; a bad deployment fails naming every key. */
export function readIngestConfig(env: Record<string, string | undefined>): IngestConfig {
  const v = readEnvironment(schema, env);
  return { queueUrl: v[ENV.requestsQueueUrl], templateBundlePath: v[ENV.templateBundlePath] };
}
