import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretsManagerLinkSigner } from '../../functions/adapters/secrets-manager-link-signer.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import type { Clock, LinkClaims } from '../../functions/core/ports.js';
import { awsError } from '../support/aws-errors.js';
import { KEY_1, KEY_2, keyedSecret, legacyUnsubscribeToken } from '../support/link-keys.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:switchboard-links-AbCdEf';
const START = new Date('2026-11-24T12:00:00.000Z');
const claims: LinkClaims = { purpose: 'preferences', customerId: 'c-1001', expiresAt: Date.parse('2027-02-22T12:00:00.000Z') };
const client = new SecretsManagerClient({ region: 'eu-central-1' });
const secrets = mockClient(client);

let now: Date;
const clock: Clock = { now: () => now };
const signer = (options: { maxAgeSeconds?: number; failureHoldSeconds?: number } = {}) => new SecretsManagerLinkSigner(client, { secretId: SECRET_ARN, clock, ...options });
const reads = () => secrets.commandCalls(GetSecretValueCommand).length;

beforeEach(() => {
  secrets.reset();
  now = START;
  // Powertools dates its cache with the system clock.
  vi.useFakeTimers({ toFake: ['Date'], now: START });
});
afterEach(() => vi.useRealTimers());

describe('SecretsManagerLinkSigner', () => {
  it('reads the secret named by its ARN once for a burst of links, however many ask at once', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: keyedSecret('k1', { k1: KEY_1 }) });
    const links = signer();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => links.sign(claims)));
    expect(await links.verify(tokens[0] as string, 'preferences', now)).toEqual({ ok: true, claims: { ...claims, expiresAt: Math.floor(claims.expiresAt / 1000) * 1000 } });
    expect(reads()).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it('picks up a rotation once its cached keys are older than maxAge, and still accepts links the old key signed', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY_1 });
    const links = signer({ maxAgeSeconds: 300 });
    const before = await links.sign(claims);
    expect(before.startsWith('k0.')).toBe(true);

    secrets.on(GetSecretValueCommand).resolves({ SecretString: keyedSecret('k1', { k1: KEY_2, k0: KEY_1 }) });
    vi.setSystemTime(START.getTime() + 299_000);
    expect((await links.sign(claims)).startsWith('k0.')).toBe(true);
    vi.setSystemTime(START.getTime() + 301_000);
    expect((await links.sign(claims)).startsWith('k1.')).toBe(true);
    expect(await links.verify(before, 'preferences', now)).toMatchObject({ ok: true });
    expect(reads()).toBe(2);
  });

  it('fails closed on a secret it may not read, and does not ask again until the hold is over', async () => {
    secrets.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', { status: 400, message: 'not authorized to perform secretsmanager:GetSecretValue' }));
    const links = signer({ failureHoldSeconds: 60 });
    const refused = await links.sign(claims).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ code: 'LINKS_NOT_CONFIGURED' });
    expect(await links.verify('k1.eyJwIjoicCJ9.c2lnbmF0dXJlc2lnbmF0dXJl', 'preferences', now)).toEqual({ ok: false, code: 'NOT_CONFIGURED' });
    expect(reads()).toBe(1);

    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY_1 });
    now = new Date(START.getTime() + 61_000);
    expect((await links.sign(claims)).startsWith('k0.')).toBe(true);
    expect(reads()).toBe(2);
  });

  it('fails closed on a malformed secret, saying why without quoting it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: keyedSecret('k2', { k1: KEY_1 }) });
    const refused = (await signer()
      .sign(claims)
      .catch((error: unknown) => error)) as PermanentError;
    expect(refused).toMatchObject({ code: 'LINKS_NOT_CONFIGURED' });
    expect(refused.message).toContain('currentKeyId must name one of keys');
    expect(refused.message).not.toContain(KEY_1);
  });

  it('treats throttling as passing: a RetryableError from both sign and verify, and the next call reads again', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(awsError('ThrottlingException', { status: 400, message: 'Rate exceeded' }))
      .resolves({ SecretString: KEY_1 });
    const links = signer();
    const token = legacyUnsubscribeToken({ requestId: 'r-1', customerId: 'c-1', topic: 'promotions' }, KEY_1);
    const refused = await links.verify(token, 'unsubscribe', now).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused).toMatchObject({ code: 'LINK_KEYS_UNAVAILABLE' });
    expect(await links.verify(token, 'unsubscribe', now)).toMatchObject({ ok: true });
  });

  it('reads nothing for a token that cannot be one of ours', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY_1 });
    expect(await signer().verify('<script>', 'unsubscribe', now)).toEqual({ ok: false, code: 'MALFORMED' });
    expect(reads()).toBe(0);
  });
});
