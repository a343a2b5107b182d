import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createOrchestratorHandler } from '../functions/orchestrator/create-handler.js';
import { composeOrchestrator } from '../functions/orchestrator/composition.js';
import { readOrchestratorConfig } from '../functions/orchestrator/config.js';
import { captureHandlerLogs } from '../functions/local/handler-logs.js';
import { seedCustomers } from '../functions/local/seed/seed.js';
import { collect, depth } from './collect.js';
import { type Emulators, startChaosEnvironment } from './environment.js';
import { type FeedbackHandler, FeedbackPump, type FeedbackStats } from './feedback-pump.js';
import { checkInvariants, type InvariantResults } from './invariants.js';
import { type Invocation, Invoker } from './invoker.js';
import { scanLogs } from './log-scan.js';
import { Life, mortalDeps, ThroughTally } from './mortal.js';
import { population } from './population.js';
import type { ChaosSettings } from './settings.js';
import { type QueueEntry, workload } from './workload.js';

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

/**
 * One chaos run: seeded customers and requests through the real orchestrator and feedback
 * handlers while every service they call fails in seeded ways, then every promise checked.
 */
export async function runChaos(settings: ChaosSettings, options: ChaosOptions): Promise<ChaosResult> {
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  progress(`seed ${settings.seed}: starting DynamoDB Local, the SQS emulator, local SES, the provider sandbox and the fault proxies`);
  const env = await startChaosEnvironment(settings, options);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    const now = new Date();
    const people = population(settings.seed, settings.customers, now);
    const work = workload(settings.seed, settings.requests, people, settings.faults, now);
    await seedCustomers(
      env.documents,
      env.tables.customers,
      people.customers.map((c) => c.customer),
    );
    env.sandbox.state.applyFaults({ optedOutNumbers: people.customers.filter((c) => c.stopped).map((c) => c.customer.phone?.number ?? '') });

    const logs = captureHandlerLogs(options.logPath);
    let invocations: Invocation[];
    let drained: boolean;
    let feedbackStats: FeedbackStats;
    let consentChanges;
    const through = new ThroughTally();
    const queued: { entry: QueueEntry; messageId: string }[] = [];
    try {
      const feedbackHandler = (await import('../functions/feedback/handler.js')).handler as unknown as FeedbackHandler;
      const pump = new FeedbackPump({
        handler: feedbackHandler,
        region: env.region,
        configurationSet: process.env.SES_CONFIGURATION_SET ?? 'switchboard-local',
        seed: settings.seed,
        duplicateRate: settings.faults.feedbackDuplicateRate,
        complainers: new Set(people.customers.filter((c) => c.complains).map((c) => c.customer.customerId)),
        customerOfNumber: new Map(people.customers.map((c) => [c.customer.phone?.number ?? '', c.customer.customerId])),
      });
      env.onEmailAccepted((email) => pump.emailAccepted(email));
      env.sandbox.state.events.on('sms-status', (record) => pump.smsStatus(record));

      const config = readOrchestratorConfig(process.env);
      const instances = Array.from({ length: settings.workers }, () => {
        const { deps, logger } = composeOrchestrator(config, settings.httpTimeouts);
        return { deps: { ...deps, leaseMs: settings.leaseMs }, logger };
      });
      const invoker = new Invoker({
        sqs: env.sqs,
        queue: env.queues.requests,
        region: env.region,
        workers: settings.workers,
        batchSize: settings.batchSize,
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        functionTimeoutMs: settings.functionTimeoutMs,
        life: (id) => new Life(crashPoint(settings, id)),
        handler: (worker, life) => {
          const instance = instances[worker] as (typeof instances)[number];
          return createOrchestratorHandler(mortalDeps(instance.deps, life, through), instance.logger);
        },
      });

      progress(`enqueueing ${work.queue.length} messages (${settings.requests} requests, copies and poison) for ${settings.customers} customers`);
      queued.push(...(await enqueue(env.sqs, env.queues.requests.url, work.queue)));
      loopDelay.enable();
      invoker.start();
      drained = await waitForDrain(settings, () => depth(env.sqs, env.queues.requests.url), invoker, pump, progress, work.queue.length);
      await invoker.stop();
      loopDelay.disable();
      // Late feedback of the last sends still lands before the records are read.
      await waitUntil(() => pump.pending() === 0, 15_000);
      pump.stop();
      invocations = invoker.invocations;
      feedbackStats = pump.stats;
      consentChanges = pump.consentChanges;
    } finally {
      await logs.restore();
    }

    progress('reading the tables, the sandbox log, the SES store and the queues');
    const seen = await collect(env, work, started);
    const invariants = checkInvariants({
      people,
      work,
      seen,
      invocations,
      consentChanges,
      unnamedPoison: queued.filter((q) => q.entry.poison && !q.entry.request).map((q) => ({ messageId: q.messageId, kind: q.entry.poison ?? '' })),
      logs: await scanLogs(options.logPath, people),
    });
    const sandboxTally = env.sandbox.state.tally;
    return {
      settings,
      durationMs: Date.now() - started,
      drained,
      logPath: options.logPath,
      invariants,
      faults: {
        operations: { ...env.tallies.dynamodb.calls, ...env.tallies.ses.calls, ...sandboxTally.calls },
        injected: { ...env.tallies.dynamodb.faults, ...env.tallies.ses.faults, ...sandboxTally.faults },
        reachedHandlers: through.counts,
        invocations: {
          total: invocations.length,
          crashed: invocations.filter((i) => i.outcome === 'crash').length,
          timedOut: invocations.filter((i) => i.outcome === 'timeout').length,
          threw: invocations.filter((i) => i.outcome === 'threw').length,
          caughtInWindow: invocations.reduce((sum, i) => sum + (i.caughtInWindow?.length ?? 0), 0),
          durationMs: percentiles(invocations.flatMap((i) => (i.endedAt !== undefined && i.outcome !== 'crash' ? [i.endedAt - i.startedAt] : []))),
        },
        queue: { messages: work.queue.length, copies: work.queue.filter((q) => q.copy).length, poison: work.queue.filter((q) => q.poison).length },
        feedback: feedbackStats,
        eventLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      },
    };
  } finally {
    await env.stop();
  }
}

function percentiles(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}

/** Seeded per invocation: whether it crashes, and at which of its port calls. */
function crashPoint(settings: ChaosSettings, invocation: number): number | undefined {
  const digest = createHash('sha1').update(`${settings.seed}:crash:${invocation}`).digest();
  const roll = digest.readUInt32BE(0) / 4_294_967_296;
  if (roll >= settings.faults.deathRate) return undefined;
  return 1 + (digest.readUInt32BE(4) % 40);
}

async function enqueue(sqs: SQSClient, url: string, entries: QueueEntry[]): Promise<{ entry: QueueEntry; messageId: string }[]> {
  const queued: { entry: QueueEntry; messageId: string }[] = [];
  const small = entries.filter((e) => e.body.length <= 20_000);
  for (const entry of entries.filter((e) => e.body.length > 20_000)) {
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: entry.body }));
    queued.push({ entry, messageId: MessageId ?? '' });
  }
  for (let i = 0; i < small.length; i += 10) {
    const chunk = small.slice(i, i + 10);
    const { Successful = [], Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((e, j) => ({ Id: String(j), MessageBody: e.body })) }));
    if (Failed.length > 0) throw new Error(`the SQS emulator refused ${Failed.length} messages: ${Failed[0]?.Message}`);
    for (const ok of Successful) queued.push({ entry: chunk[Number(ok.Id)] as QueueEntry, messageId: ok.MessageId ?? '' });
  }
  return queued;
}

/** Until the queue is empty, no invocation runs and feedback has caught up, twice in a row; or the drain timeout. */
async function waitForDrain(
  settings: ChaosSettings,
  queueDepth: () => Promise<number>,
  invoker: Invoker,
  pump: FeedbackPump,
  progress: (line: string) => void,
  total: number,
): Promise<boolean> {
  const deadline = Date.now() + settings.drainTimeoutMs;
  let quietChecks = 0;
  let lastReport = 0;
  while (Date.now() < deadline) {
    const left = await queueDepth();
    quietChecks = left === 0 && invoker.idle() && pump.pending() === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return true;
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      progress(`  ${total - left}/${total} messages off the queue, ${invoker.invocations.length} invocations, ${pump.pending()} feedback events pending`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}
