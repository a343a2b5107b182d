import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TableNames } from '../../functions/local/provision.js';
import { type LocalConfig, writeLocalConfig } from '../../functions/tooling/local-config.js';

/**
 * A `.switchboard/local.json` for a local system of which only the tables on DynamoDB Local are
 * real: every other endpoint points where nothing listens. For commands that only read tables.
 * Returns its path.
 */
export async function tablesOnlyLocalConfig(tables: TableNames, startedAt: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'switchboard-local-')), 'local.json');
  const unused = 'http://127.0.0.1:1';
  const config: LocalConfig = {
    formatVersion: 1,
    pid: process.pid,
    startedAt,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: { dynamodb: inject('dynamoDbEndpoint'), sqs: unused, sesv2: unused, pinpoint: unused, sns: unused, sandboxControl: unused },
    tables,
    queues: { requests: { url: `${unused}/q`, arn: 'arn:q' }, deadLetter: { url: `${unused}/dlq`, arn: 'arn:dlq' } },
    pushApplicationId: 'local',
    outbox: { url: unused, templatesUrl: `${unused}/templates`, apiUrl: `${unused}/api` },
  };
  await writeLocalConfig(config, path);
  return path;
}
