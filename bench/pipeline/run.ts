import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PipelineMessage } from './main.js';
import type { PipelineOptions } from './pipeline.js';
import type { PipelineResult } from './results.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs the pipeline in a child process and relays its progress. */
export function runPipelineInChild(options: PipelineOptions): Promise<PipelineResult> {
  const { onProgress, ...serializable } = options;
  return new Promise((resolve, reject) => {
    const child = fork(MAIN, [JSON.stringify(serializable)], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [])],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let result: PipelineResult | undefined;
    let failure: string | undefined;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
    child.on('message', (message: PipelineMessage) => {
      if (message.type === 'progress') onProgress?.(message.done, message.total);
      else if (message.type === 'result') result = message.result;
      else failure = message.message;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the pipeline failed (exit ${code}): ${failure ?? stderr.trim()}`));
    });
  });
}
