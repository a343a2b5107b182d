import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoConsentWriter } from '../../functions/adapters/dynamo-consent-writer.js';
import { DynamoCustomerEraser } from '../../functions/adapters/dynamo-customer-eraser.js';
import { DynamoProfileStore } from '../../functions/adapters/dynamo-profile-store.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import { loadTopicRegistry } from '../../functions/adapters/bundle-template-store.js';
import { restApiEvent } from '../../functions/tooling/api-gateway.js';
import { type ProfileApiDeps, routeProfile } from '../../functions/profile-api/routes.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

/**
 * The README's service API examples, run as they are written, with bash and curl: only the line
 * that looks the API's URL up in CloudFormation is replaced, by a loopback server that checks
 * each request is SigV4-signed for execute-api and hands it to the profile API on DynamoDB Local.
 */
const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const curlSigns = (() => {
  try {
    return execFileSync('curl', ['--help', 'all'], { encoding: 'utf8' }).includes('--aws-sigv4');
  } catch {
    return false;
  }
})();

function readmeExamples(): string {
  const section = README.slice(README.indexOf('## Profiles, context and consent from upstream systems'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block?.includes('curl "${sign[@]}"')) throw new Error('the README has no service API examples where this test expects them');
  return block;
}

interface Seen {
  method: string;
  path: string;
  authorization: string;
  securityToken: string | undefined;
  status: number;
}

let local: LocalTables;
let server: Server;
let apiUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  local = await localTables('readme');
  const deps: ProfileApiDeps = {
    profiles: new DynamoProfileStore(local.doc, { tableName: local.tables.customers }),
    consent: new DynamoConsentWriter(local.doc, { tableName: local.tables.customers }),
    eraser: new DynamoCustomerEraser(local.doc, { tables: local.tables }),
    registry: loadTopicRegistry(TEMPLATE_BUNDLE),
    clock: fixedClock(new Date('2026-11-24T12:00:00.000Z')),
    log: { info: () => undefined, warn: () => undefined },
  };
  server = createServer((req, res) => {
    void answer(req, deps).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/`;
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await new Promise((resolve) => server?.close(resolve));
  local?.client.destroy();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

async function answer(req: IncomingMessage, deps: ProfileApiDeps): Promise<{ status: number; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const path = (req.url ?? '').replace(/^\/dev/, '');
  const response = await routeProfile(restApiEvent({ method: req.method ?? 'GET', path, ...(text ? { body: JSON.parse(text) } : {}) }), deps);
  const status = response.statusCode ?? 500;
  const token = req.headers['x-amz-security-token'];
  seen.push({ method: req.method ?? '', path, authorization: req.headers.authorization ?? '', securityToken: typeof token === 'string' ? token : undefined, status });
  return { status, body: String(response.body) };
}

describe('the README’s profile API examples', () => {
  it.skipIf(!curlSigns)('work when copied: every request signed, every answer a success', async () => {
    const script = readmeExamples().replace(/^API=\$\(aws cloudformation[\s\S]*?--output text\)[^\n]*\n/m, `API=${apiUrl}\n`);
    expect(script).not.toContain('aws cloudformation');
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_SESSION_TOKEN: 'example-session',
    };
    await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { env, timeout: 30_000 });

    expect(seen.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'PUT /customers/c-1001 201',
      'PATCH /customers/c-1001/context 200',
      'POST /customers/c-1001/consent 200',
      'GET /customers/c-1001 200',
      'DELETE /customers/c-1001 200',
    ]);
    for (const request of seen) {
      expect(request.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
      );
      expect(request.securityToken).toBe('example-session');
    }
  });
});
