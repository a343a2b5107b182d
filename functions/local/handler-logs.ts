import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';

export interface HandlerLogs {
  path: string;
  restore(): Promise<void>;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * In Lambda, handler logs go to CloudWatch Logs; locally they go to a file, so the terminal
 * keeps the progress and the summary. Powertools in dev mode (`POWERTOOLS_DEV`) writes through
 * the global console, which is what is redirected here; local mode's own output is written to
 * the process streams directly and is never affected. `echo` also copies each line to stderr.
 */
export function captureHandlerLogs(path: string, options: { echo?: boolean } = {}): HandlerLogs {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'w' });
  // eslint-disable-next-line @typescript-eslint/unbound-method -- Node binds the console's methods to it; the originals go back in place unchanged.
  const originals = Object.fromEntries(METHODS.map((method) => [method, console[method]])) as Record<(typeof METHODS)[number], (...args: unknown[]) => void>;
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      const line = `${new Date().toISOString()} ${method.toUpperCase()} ${format(...args)}\n`;
      stream.write(line);
      if (options.echo) process.stderr.write(line);
    };
  }
  return {
    path,
    restore: async () => {
      for (const method of METHODS) console[method] = originals[method];
      await new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}
