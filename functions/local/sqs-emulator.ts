import { startFauxqs } from 'fauxqs';

export interface SqsEmulator {
  /** Give SQS clients this as `endpoint`: the queue URLs the emulator hands out use `sqs.<region>.localhost`, which does not resolve. */
  endpoint: string;
  port: number;
  region: string;
  stop(): Promise<void>;
}

export interface SqsEmulatorOptions {
  /** Default: a random free port. */
  port?: number;
  region?: string;
}

/**
 * Starts the fauxqs SQS emulator inside this process (it is a small HTTP server), so it stops
 * with the process and needs no PID of its own. It binds every interface; clients use loopback.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const region = options.region ?? 'us-east-1';
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: region });
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    region,
    stop: () => server.stop(),
  };
}
