import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../../functions/local/dynamodb-local.js';
import type { HostEndpoints } from './emulator-host.js';

export interface Emulators extends HostEndpoints {
  dynamodb: string;
  stop(): Promise<void>;
}

const HOST = fileURLToPath(new URL('./emulator-host.ts', import.meta.url));

/** DynamoDB Local (Java, its own process) unless one is given, and the other emulators in a child process. */
export async function startEmulators(options: { dynamoDbEndpoint?: string } = {}): Promise<Emulators> {
  const dynamo = options.dynamoDbEndpoint ? undefined : await startDynamoDbLocal();
  try {
    const { child, endpoints } = await startHost();
    return {
      ...endpoints,
      dynamodb: options.dynamoDbEndpoint ?? (dynamo as { endpoint: string }).endpoint,
      async stop() {
        await Promise.allSettled([stopChild(child), dynamo?.stop()]);
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}

function startHost(): Promise<{ child: ChildProcess; endpoints: HostEndpoints }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOST], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    const onExit = (code: number | null) => reject(new Error(`the emulator host exited (${code}) before it was ready: ${stderr.trim().slice(-2_000)}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      child.off('exit', onExit);
      resolve({ child, endpoints: JSON.parse(stdout.slice(0, newline)) as HostEndpoints });
    });
  });
}

/** Ends the host by its PID and waits for it; SIGKILL if it does not go within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
