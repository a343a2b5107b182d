import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The orchestrator as the stack deploys it. */
export interface StackFacts {
  /** The cloud assembly; the caller removes it with `removeStackOutput`. */
  outdir: string;
  memoryMb: number;
  timeoutSeconds: number;
  architecture: string;
  runtime: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** The event source's cap on concurrent invocations. */
  maxConcurrency: number;
  /** The function's literal environment (NODE_OPTIONS, TEMPLATE_BUNDLE_PATH, …). */
  environment: Record<string, string>;
  /** Variables the stack fills from resources (table names, …): dummies stand in for them. */
  referencedEnvironment: string[];
  /** The function's asset as NodejsFunction bundled it, templates bundle included. */
  bundleDir: string;
  bundleFile: string;
  bundleBytes: number;
  sourceMapBytes: number;
  /** Projection of the deliveries table's history index: ALL keeps a second copy of every record. */
  historyIndexProjection: string;
}

const SYNTH = fileURLToPath(new URL('./synth.ts', import.meta.url));

/** Synthesizes in a child process (the CDK is heavy) and reads its one line of JSON. */
export function readStackFacts(): Promise<StackFacts> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SYNTH], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8_000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as StackFacts);
      else reject(new Error(`synthesizing the stack failed (exit ${code}):\n${stderr.trim()}`));
    });
  });
}

export async function removeStackOutput(facts: StackFacts): Promise<void> {
  await rm(facts.outdir, { recursive: true, force: true });
}
