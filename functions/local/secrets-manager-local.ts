import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from '../tooling/loopback-http.js';

/**
 * Stands in for Secrets Manager's `GetSecretValue`, the one call the handlers make, so local mode
 * and the tests read the link signing keys through the same Powertools and SDK code as a
 * deployment (`AWS_ENDPOINT_URL_SECRETS_MANAGER` points the client here). It answers the AWS
 * JSON 1.1 protocol for secrets named by name or ARN; any other call is refused.
 */
export interface LocalSecretsManager {
  endpoint: string;
  /** The ARN a deployment would name the secret by. */
  arnOf(name: string): string;
  /** Creates or replaces a secret's value, as `PutSecretValue` would: a rotation in a test. */
  put(name: string, value: string): void;
  /** How many `GetSecretValue` calls were answered, to see caching work. */
  reads(): number;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'secretsmanager.';
const ACCOUNT = '000000000000';

export async function startLocalSecretsManager(options: { secrets?: Record<string, string>; port?: number; region?: string } = {}): Promise<LocalSecretsManager> {
  const region = options.region ?? 'us-east-1';
  const secrets = new Map<string, { value: string; versionId: string }>();
  let reads = 0;
  // A deployed secret's ARN ends in six random characters; these are fixed.
  const arnOf = (name: string) => `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-LOCAL0`;
  const put = (name: string, value: string) => secrets.set(name, { value, versionId: randomUUID() });
  for (const [name, value] of Object.entries(options.secrets ?? {})) put(name, value);

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    if (req.method !== 'POST' || target !== `${TARGET_PREFIX}GetSecretValue`) {
      return fail(res, 'UnknownOperationException', `this stand-in answers GetSecretValue only, not ${target || req.method}`);
    }
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
    } catch {
      return fail(res, 'ValidationException', 'the request body is not JSON');
    }
    const name = [...secrets.keys()].find((known) => secretId === known || secretId === arnOf(known));
    const secret = name === undefined ? undefined : secrets.get(name);
    if (name === undefined || !secret) return fail(res, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    reads++;
    sendJson(
      res,
      200,
      { ARN: arnOf(name), Name: name, VersionId: secret.versionId, SecretString: secret.value, VersionStages: ['AWSCURRENT'], CreatedDate: 0 },
      { 'content-type': 'application/x-amz-json-1.1' },
    );
  };
  const running = await listen(answer, options.port ?? 0);
  return { endpoint: running.url, arnOf, put, reads: () => reads, stop: running.close };
}

/** The name local runs store their link signing secret under. */
export const LOCAL_LINK_SECRET_NAME = 'switchboard-local/link-signing';

/**
 * A link signing secret for one local run: one random key under its own id, in the JSON form a
 * rotated deployment holds. Links signed by an earlier run are (rightly) refused.
 */
export function localLinkSigningSecret(): string {
  return JSON.stringify({ currentKeyId: 'local-1', keys: { 'local-1': randomBytes(32).toString('base64url') } });
}

function fail(res: ServerResponse, type: string, message: string): void {
  sendJson(res, 400, { __type: type, message }, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
}
