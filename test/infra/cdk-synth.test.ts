import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ROOT, TEMPLATE_BUNDLE } from './synth.js';

const outdir = mkdtempSync(join(tmpdir(), 'switchboard-cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('synthesizes the real app with cdk-nag AwsSolutions checks and no findings, offline and without credentials', async () => {
  if (!existsSync(TEMPLATE_BUNDLE)) throw new Error(`${TEMPLATE_BUNDLE} is missing: run \`npm run build\` first.`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ACK: '1',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // Without the built-in CloudFormation checks a validation report is written only when a
    // registered plugin (cdk-nag) ran, so the report proves the checks happened.
    CDK_VALIDATION: 'false',
    // No account and no region: the stack must stay environment-agnostic.
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_PROFILE: '',
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
  };
  const run = promisify(execFile)('npx', ['cdk', 'synth', '--no-notices', '-q', '--output', outdir], {
    cwd: ROOT,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = await run.then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  expect(result.output).not.toMatch(/AwsSolutions-\w+/);
  expect(result.code, result.output).toBe(0);
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; conclusion: string }[];
  };
  expect(report.pluginReports.filter((plugin) => plugin.conclusion !== 'success')).toEqual([]);
  expect(existsSync(join(outdir, 'Switchboard-dev.template.json'))).toBe(true);
  expect(existsSync(join(outdir, 'Switchboard-account.template.json'))).toBe(true);
}, 180_000);
