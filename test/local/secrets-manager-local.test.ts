import { GetSecretValueCommand, ListSecretsCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerLinkSigner } from '../../functions/adapters/secrets-manager-link-signer.js';
import { type LocalSecretsManager, localLinkSigningSecret, startLocalSecretsManager } from '../../functions/local/secrets-manager-local.js';
import { KEY_1, KEY_2, keyedSecret } from '../support/link-keys.js';

let secrets: LocalSecretsManager;
let client: SecretsManagerClient;
const NOW = new Date('2026-11-24T12:00:00.000Z');

beforeAll(async () => {
  secrets = await startLocalSecretsManager({ secrets: { links: KEY_1 }, region: 'eu-central-1' });
  client = new SecretsManagerClient({ region: 'eu-central-1', endpoint: secrets.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await secrets.stop();
});

describe('the local Secrets Manager stand-in', () => {
  it('answers GetSecretValue by name and by ARN, on loopback, as the SDK expects', async () => {
    expect(secrets.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const id of ['links', secrets.arnOf('links')]) {
      const answer = await client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(answer).toMatchObject({ Name: 'links', ARN: secrets.arnOf('links'), SecretString: KEY_1 });
    }
  });

  it('says ResourceNotFoundException for a secret it does not hold, and refuses other calls', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  it('serves the signer the way Secrets Manager does: links signed, a rotation read after the cache age, a missing secret refused', async () => {
    const signer = new SecretsManagerLinkSigner(client, { secretId: secrets.arnOf('links'), maxAgeSeconds: 0 });
    const old = await signer.sign({ purpose: 'preferences', customerId: 'c-1', expiresAt: NOW.getTime() + 60_000 });
    secrets.put('links', keyedSecret('k1', { k1: KEY_2, k0: KEY_1 }));
    expect((await signer.sign({ purpose: 'preferences', customerId: 'c-1', expiresAt: NOW.getTime() + 60_000 })).startsWith('k1.')).toBe(true);
    expect(await signer.verify(old, 'preferences', NOW)).toMatchObject({ ok: true });
    const missing = new SecretsManagerLinkSigner(client, { secretId: 'nope' });
    expect(await missing.verify(old, 'preferences', NOW)).toEqual({ ok: false, code: 'NOT_CONFIGURED' });
  });

  it('makes a fresh JSON key ring for each local run', () => {
    const [first, second] = [JSON.parse(localLinkSigningSecret()), JSON.parse(localLinkSigningSecret())];
    expect(first.currentKeyId).toBe('local-1');
    expect(first.keys['local-1']).toHaveLength(43);
    expect(first.keys['local-1']).not.toBe(second.keys['local-1']);
  });
});
