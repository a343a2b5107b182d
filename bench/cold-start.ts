import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';
import type { StackFacts } from './stack/facts.js';

export interface ColdStartResult {
  bundleBytes: number;
  sourceMapBytes: number;
  runs: number;
  /** Import of the bundle in a fresh Node process with the function's environment (NODE_OPTIONS included). */
  importMs: number[];
  medianImportMs: number;
  /** The same without NODE_OPTIONS, to show what source-map support costs. */
  medianImportMsWithoutNodeOptions: number;
}

/**
 * Stand-ins for the variables the stack fills from resources: the handler only checks they are
 * set. A Pinpoint application is among them so push is on and its client is built too.
 */
const DUMMIES: Record<string, string> = {
  CUSTOMERS_TABLE: 'bench-customers',
  DELIVERIES_TABLE: 'bench-deliveries',
  COUNTERS_TABLE: 'bench-counters',
  INBOX_TABLE: 'bench-inbox',
  SES_CONFIGURATION_SET: 'bench',
  UNSUBSCRIBE_BASE_URL: 'https://example.com/unsubscribe',
  PREFERENCES_BASE_URL: 'https://example.com/preference-centre',
  PINPOINT_APPLICATION_ID: '0123456789abcdef0123456789abcdef',
  REQUESTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-requests',
  REQUESTS_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:bench-requests',
  WAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/bench-wakes',
  WAKE_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:bench-wake-dlq',
};

/** Times `import()` of the stack-built bundle, each in a new process, as a Lambda cold start loads it. */
export async function measureColdStart(facts: StackFacts, runs: number, onRun?: (done: number, total: number) => void): Promise<ColdStartResult> {
  const env = functionEnvironment(facts);
  const { NODE_OPTIONS: _ignored, ...withoutNodeOptions } = env;
  const importMs: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < runs; run++) {
    importMs.push(await timeImport(facts.bundleFile, env));
    bare.push(await timeImport(facts.bundleFile, withoutNodeOptions));
    onRun?.(run + 1, runs);
  }
  return {
    bundleBytes: facts.bundleBytes,
    sourceMapBytes: facts.sourceMapBytes,
    runs,
    importMs,
    medianImportMs: median(importMs),
    medianImportMsWithoutNodeOptions: median(bare),
  };
}

export function functionEnvironment(facts: StackFacts): Record<string, string> {
  const dummies = Object.fromEntries(facts.referencedEnvironment.map((key) => [key, DUMMIES[key] ?? 'bench']));
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...DUMMIES,
    ...dummies,
    ...facts.environment,
    // Lambda unpacks the asset to /var/task; here it stays where the CDK staged it.
    TEMPLATE_BUNDLE_PATH: join(facts.bundleDir, 'templates.bundle.json'),
  };
}

function timeImport(file: string, env: Record<string, string>): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(stdout);
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`importing the bundle failed (exit ${code}): ${stderr.trim().slice(-2_000)}`));
    });
  });
}
