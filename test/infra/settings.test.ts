import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SETTING_KEYS, parseAccountSettings, parseSettings, SETTING_KEYS, SettingsError } from '../../lib/settings.js';

const ROOT = join(import.meta.dirname, '..', '..');
const cdkContext = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const withContext = (overrides: Record<string, unknown>) => (key: string) => ({ ...cdkContext, ...overrides })[key];

function problemsOf(read: (key: string) => unknown, parse: (read: (key: string) => unknown) => unknown = parseSettings): string[] {
  try {
    parse(read);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be rejected');
}

describe('settings', () => {
  it('cdk.json lists every setting and its defaults are valid: a fresh clone synthesizes a dev stage with push off', () => {
    expect(Object.keys(cdkContext)).toEqual(expect.arrayContaining(SETTING_KEYS));
    const settings = parseSettings(withContext({}));
    expect(settings).toMatchObject({
      stage: 'dev',
      sesConfigurationSetName: 'switchboard-dev',
      deliveryRetentionDays: 400,
      inboxRetentionDays: 90,
      jwtAudience: ['switchboard-inbox'],
    });
    expect(settings.pinpointApplicationId).toBeUndefined();
  });

  it('coerces command-line strings: numbers, audience lists, blanks as unset', () => {
    const settings = parseSettings(withContext({ batchSize: '200', maxConcurrency: '50', jwtAudience: 'app, web', smsSenderId: '', pinpointApplicationId: 'a'.repeat(32) }));
    expect(settings).toMatchObject({ batchSize: 200, maxConcurrency: 50, jwtAudience: ['app', 'web'], pinpointApplicationId: 'a'.repeat(32) });
    expect(settings.smsSenderId).toBeUndefined();
  });

  it('throttles both APIs by default and leaves browsers out until web origins are listed', () => {
    expect(parseSettings(withContext({}))).toMatchObject({
      serviceApiRateLimit: 1000,
      serviceApiBurstLimit: 2000,
      customerApiRateLimit: 500,
      customerApiBurstLimit: 1000,
      customerApiAllowedOrigins: [],
    });
    expect(parseSettings(withContext({ customerApiAllowedOrigins: 'https://shop.test, http://localhost:5173' })).customerApiAllowedOrigins).toEqual([
      'https://shop.test',
      'http://localhost:5173',
    ]);
    expect(problemsOf(withContext({ customerApiAllowedOrigins: 'https://shop.test/app', customerApiRateLimit: '0' }))).toEqual([
      'customerApiRateLimit: Too small: expected number to be >=1',
      'customerApiAllowedOrigins.0: must be origins such as https://shop.example, without a path',
    ]);
  });

  it('lists every missing setting in one error', () => {
    expect(problemsOf(() => undefined)).toEqual([
      'senderIdentity: is required',
      'fromAddress: is required',
      'alarmEmail: is required',
      'jwtIssuer: is required',
      'jwtAudience: is required',
      'appDeepLinkScheme: is required',
      'brandName: is required',
    ]);
  });

  it('lists every malformed setting in one error', () => {
    const problems = problemsOf(
      withContext({
        stage: 'qa',
        fromAddress: 'not-an-address',
        jwtIssuer: 'http://auth.example.com/',
        logRetentionDays: 31,
        batchSize: 'many',
        smsOriginationNumber: '0151 123',
        pinpointApplicationId: 'app',
        orchestratorMemoryMb: 64,
      }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining(['stage', 'fromAddress', 'jwtIssuer', 'logRetentionDays', 'batchSize', 'smsOriginationNumber', 'pinpointApplicationId', 'orchestratorMemoryMb']),
    );
    expect(problems).toHaveLength(8);
  });

  it('refuses a from address the sender identity does not cover', () => {
    expect(problemsOf(withContext({ senderIdentity: 'shop.test', fromAddress: 'news@other.test' }))).toEqual(['fromAddress: is not covered by senderIdentity shop.test']);
    expect(parseSettings(withContext({ senderIdentity: 'shop.test', fromAddress: 'news@mail.shop.test' })).fromAddress).toBe('news@mail.shop.test');
  });

  it('refuses batches above 10 without a batching window, as SQS does', () => {
    expect(problemsOf(withContext({ batchSize: 100, maxBatchingWindowSeconds: 0 }))).toEqual(['maxBatchingWindowSeconds: must be at least 1 when batchSize is above 10']);
  });

  it('refuses the example values outside dev', () => {
    expect(problemsOf(withContext({ stage: 'prod' })).sort()).toEqual([
      'alarmEmail: is still an example value; set a real one for stage prod',
      'brandName: is still an example value; set a real one for stage prod',
      'fromAddress: is still an example value; set a real one for stage prod',
      'jwtIssuer: is still an example value; set a real one for stage prod',
      'senderIdentity: is still an example value; set a real one for stage prod',
    ]);
  });

  it('makes the CDK app exit before synthesis with the whole list', async () => {
    // Without the CDK CLI no cdk.json context reaches the app, so every required setting is missing.
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: '{}', CDK_OUTDIR: join(tmpdir(), 'switchboard-settings-test') },
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Invalid Switchboard settings');
    for (const key of ['senderIdentity', 'fromAddress', 'alarmEmail', 'jwtIssuer', 'jwtAudience', 'appDeepLinkScheme', 'brandName']) {
      expect(failure?.stderr).toContain(`  - ${key}: is required`);
    }
    // The account stack needs alarmEmail too; the list names it once.
    expect(failure?.stderr.split('  - alarmEmail: is required')).toHaveLength(2);
  }, 60_000);
});

describe('account settings', () => {
  it('cdk.json lists every one: the account stack sets API Gateway’s logging role and keeps SMS status logs 30 days', () => {
    expect(Object.keys(cdkContext)).toEqual(expect.arrayContaining(ACCOUNT_SETTING_KEYS));
    expect(parseAccountSettings(withContext({}))).toEqual({ alarmEmail: 'platform-alerts@example.com', smsStatusLogRetentionDays: 30, apiGatewayLoggingRole: 'create' });
    expect(parseAccountSettings(withContext({ apiGatewayLoggingRole: 'existing', smsStatusLogRetentionDays: '90' }))).toMatchObject({
      apiGatewayLoggingRole: 'existing',
      smsStatusLogRetentionDays: 90,
    });
  });

  it('lists every malformed one in one error', () => {
    expect(problemsOf(withContext({ apiGatewayLoggingRole: 'mine', smsStatusLogRetentionDays: 31, alarmEmail: 'nobody' }), parseAccountSettings).sort()).toEqual([
      'alarmEmail: must be an e-mail address',
      expect.stringMatching(/^apiGatewayLoggingRole: must be one of create, existing/),
      expect.stringMatching(/^smsStatusLogRetentionDays: must be one of 1, 3, 5, 7, 14, 30,/),
    ]);
  });
});
