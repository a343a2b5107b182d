/**
 * Synthesizes the real stack from cdk.json's settings, and prints what the benchmark needs of
 * its orchestrator as one JSON line: the function's memory, timeout and environment, the SQS
 * event source's batch settings, and where NodejsFunction put the bundle.
 * Runs in its own process so the CDK's memory never counts against the pipeline.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { DELIVERIES_BY_CUSTOMER_INDEX } from '../../functions/definitions/tables.js';
import { parseSettings } from '../../lib/settings.js';
import { handlerEntries, SwitchboardStack } from '../../lib/switchboard-stack.js';
import { compiledTemplates } from '../templates.js';
import type { StackFacts } from './facts.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const context = (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const outdir = mkdtempSync(join(tmpdir(), 'switchboard-bench-cdk-'));
const app = new App({ outdir, context });
new SwitchboardStack(app, 'Bench', {
  settings: parseSettings((key) => context[key]),
  entries: handlerEntries(root),
  templateBundle: compiledTemplates().path,
});
const template = app.synth().getStackByName('Bench').template as { Resources: Record<string, Resource> };
const resources = Object.values(template.Resources);
const mapping = resources.find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
// The orchestrator is the function the SQS event source invokes.
const orchestratorId = (mapping?.Properties.FunctionName as { Ref?: string } | undefined)?.Ref;
const fn = orchestratorId ? template.Resources[orchestratorId] : undefined;
if (!mapping || !fn) throw new Error('the synthesized stack has no orchestrator function with an SQS event source');
const s3Key = String((fn.Properties.Code as { S3Key?: string }).S3Key);
const bundleDir = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
const bundleName = readdirSync(bundleDir).find((name) => /^index\.m?js$/.test(name));
if (!bundleName) throw new Error(`no index.mjs in ${bundleDir}`);
const indexes = resources.flatMap((r) =>
  r.Type === 'AWS::DynamoDB::Table' ? ((r.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection?: { ProjectionType?: string } }[] | undefined) ?? []) : [],
);
const historyIndex = indexes.find((index) => index.IndexName === DELIVERIES_BY_CUSTOMER_INDEX);
const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

const facts: StackFacts = {
  outdir,
  memoryMb: Number(fn.Properties.MemorySize),
  timeoutSeconds: Number(fn.Properties.Timeout),
  architecture: (fn.Properties.Architectures as string[] | undefined)?.[0] ?? 'x86_64',
  runtime: String(fn.Properties.Runtime),
  batchSize: Number(mapping.Properties.BatchSize),
  maxBatchingWindowSeconds: Number(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0),
  maxConcurrency: (mapping.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 0,
  // Literal values only: table names and ARNs are CloudFormation references, filled in by the caller.
  environment: Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  bundleDir,
  bundleFile: join(bundleDir, bundleName),
  bundleBytes: statSync(join(bundleDir, bundleName)).size,
  sourceMapBytes: readdirSync(bundleDir)
    .filter((name) => name.endsWith('.map'))
    .reduce((total, name) => total + statSync(join(bundleDir, name)).size, 0),
  referencedEnvironment: Object.keys(variables).filter((key) => typeof variables[key] !== 'string'),
  historyIndexProjection: historyIndex?.Projection?.ProjectionType ?? 'none',
};
process.stdout.write(`${JSON.stringify(facts)}\n`);
