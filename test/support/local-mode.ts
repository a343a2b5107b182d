import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningLocalMode {
  outboxUrl: string;
  stop(): Promise<void>;
}

/**
 * `npm start` as a person runs it, in its own process so its environment stays its own; resolves
 * once it prints the outbox address and, unless started with `--no-demo`, has enqueued the demo.
 * Stopped by its PID.
 */
export async function startLocalMode(args: string[] = []): Promise<RunningLocalMode> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const demo = !args.includes('--no-demo');
  let output = '';
  const outboxUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /ready in [\d.]+ s: outbox (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready?.[1] && (!demo || output.includes('demo: '))) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local mode exited (${code}):\n${output}`)));
  });
  return {
    outboxUrl,
    async stop() {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
