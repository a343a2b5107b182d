import { captureHandlerLogs } from '../functions/local/handler-logs.js';
import { seedCustomers } from '../functions/local/seed/seed.js';
import { collect } from './collect.js';
import { drive } from './drive.js';
import { type Emulators, startChaosEnvironment } from './environment.js';
import type { FeedbackStats } from './feedback-pump.js';
import { checkInvariants, type InvariantResults } from './invariants.js';
import type { Invocation } from './invoker.js';
import { scanLogs } from './log-scan.js';
import { population } from './population.js';
import type { ChaosSettings } from './settings.js';
import { workload } from './workload.js';

export interface FaultCounts {
  /** Calls to AWS services the handlers made (SDK retries included), by operation. */
  operations: Record<string, number>;
  /** Injected failures by operation and kind. */
  injected: Record<string, Record<string, number>>;
  /** Errors and retryable results that reached handler code through a port, by port and code. */
  reachedHandlers: Record<string, number>;
  invocations: { total: number; crashed: number; timedOut: number; threw: number; caughtInWindow: number; durationMs: { p50: number; p95: number; max: number } };
  queue: { messages: number; copies: number; poison: number };
  feedback: FeedbackStats;
  /** This process runs the handlers, the proxies and the emulators: its stalls delay every call. */
  eventLoopDelayMs: { p99: number; max: number };
}

export interface ChaosResult {
  settings: ChaosSettings;
  durationMs: number;
  drained: boolean;
  faults: FaultCounts;
  invariants: InvariantResults;
  logPath: string;
}

export interface ChaosOptions extends Emulators {
  /** Where the handlers' log lines go (their CloudWatch Logs). */
  logPath: string;
  progress?: (line: string) => void;
}

let ran = false;

/**
 * One chaos run: seeded customers and requests through the real orchestrator and feedback
 * handlers while every service they call fails in seeded ways, then every promise checked.
 * Once per process: the feedback handler, like the Lambda, reads its tables at its first import.
 */
export async function runChaos(settings: ChaosSettings, options: ChaosOptions): Promise<ChaosResult> {
  if (ran) throw new Error('runChaos runs once per process: the feedback handler module keeps the tables of the first run');
  ran = true;
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  progress(`seed ${settings.seed}: starting DynamoDB Local, the SQS emulator, local SES, the provider sandbox and the fault proxies`);
  const env = await startChaosEnvironment(settings, options);
  try {
    const now = new Date();
    const people = population(settings.seed, settings.customers, now);
    const work = workload(settings.seed, settings.requests, people, settings.faults, now);
    await seedCustomers(
      env.documents,
      env.tables.customers,
      people.customers.map((c) => c.customer),
    );
    env.sandbox.state.applyFaults({ optedOutNumbers: people.customers.flatMap((c) => (c.stopped && c.customer.phone ? [c.customer.phone.number] : [])) });

    const logs = captureHandlerLogs(options.logPath);
    const driven = await drive(settings, env, people, work, progress).finally(() => logs.restore());

    progress('reading the tables, the sandbox log, the SES store and the queues');
    const seen = await collect(env, work, started);
    const invariants = checkInvariants({
      people,
      work,
      seen,
      invocations: driven.invocations,
      consentChanges: driven.consentChanges,
      mismatchedFeedback: driven.feedback.mismatched,
      unnamedPoison: driven.queued.filter((q) => q.entry.poison && !q.entry.request).map((q) => ({ messageId: q.messageId, kind: q.entry.poison ?? '' })),
      logs: await scanLogs(options.logPath, people),
    });
    const sandboxTally = env.sandbox.state.tally;
    return {
      settings,
      durationMs: Date.now() - started,
      drained: driven.drained,
      logPath: options.logPath,
      invariants,
      faults: {
        operations: { ...env.tallies.dynamodb.calls, ...env.tallies.ses.calls, ...sandboxTally.calls },
        injected: { ...env.tallies.dynamodb.faults, ...env.tallies.ses.faults, ...sandboxTally.faults },
        reachedHandlers: driven.through.counts,
        invocations: invocationCounts(driven.invocations),
        queue: { messages: work.queue.length, copies: work.queue.filter((q) => q.copy).length, poison: work.queue.filter((q) => q.poison).length },
        feedback: driven.feedback,
        eventLoopDelayMs: driven.eventLoopDelayMs,
      },
    };
  } finally {
    await env.stop();
  }
}

function invocationCounts(invocations: Invocation[]): FaultCounts['invocations'] {
  const durations = invocations.flatMap((i) => (i.endedAt !== undefined && i.outcome !== 'crash' ? [i.endedAt - i.startedAt] : [])).sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
  return {
    total: invocations.length,
    crashed: invocations.filter((i) => i.outcome === 'crash').length,
    timedOut: invocations.filter((i) => i.outcome === 'timeout').length,
    threw: invocations.filter((i) => i.outcome === 'threw').length,
    caughtInWindow: invocations.reduce((sum, i) => sum + (i.caughtInWindow?.length ?? 0), 0),
    durationMs: { p50: at(0.5), p95: at(0.95), max: durations[durations.length - 1] ?? 0 },
  };
}
