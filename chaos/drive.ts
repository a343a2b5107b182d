import { createHash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SmsStatusRecord } from '../functions/local/sandbox/state.js';
import { composeOrchestrator } from '../functions/orchestrator/composition.js';
import { readOrchestratorConfig } from '../functions/orchestrator/config.js';
import { createOrchestratorHandler } from '../functions/orchestrator/create-handler.js';
import { depth } from './collect.js';
import type { ChaosEnvironment } from './environment.js';
import { type ConsentChange, type FeedbackHandler, FeedbackPump, type FeedbackStats } from './feedback-pump.js';
import { type Invocation, Invoker } from './invoker.js';
import { Life, mortalDeps, ThroughTally } from './mortal.js';
import type { Population } from './population.js';
import type { ChaosSettings } from './settings.js';
import type { QueueEntry, Workload } from './workload.js';

export interface Driven {
  drained: boolean;
  invocations: Invocation[];
  queued: { entry: QueueEntry; messageId: string }[];
  through: ThroughTally;
  feedback: FeedbackStats;
  consentChanges: ConsentChange[];
  eventLoopDelayMs: { p99: number; max: number };
}

/**
 * Puts the workload on the queue and runs the real handlers on it until the queue has drained:
 * the orchestrator through the stand-in event source (one composed instance per concurrent
 * invocation, as Lambda keeps one per instance), the feedback handler on what the providers accepted.
 */
export async function drive(settings: ChaosSettings, env: ChaosEnvironment, people: Population, work: Workload, progress: (line: string) => void): Promise<Driven> {
  const feedbackHandler = (await import('../functions/feedback/handler.js')).handler as unknown as FeedbackHandler;
  const pump = new FeedbackPump({
    handler: feedbackHandler,
    region: env.region,
    configurationSet: process.env.SES_CONFIGURATION_SET ?? 'switchboard-local',
    seed: settings.seed,
    duplicateRate: settings.faults.feedbackDuplicateRate,
    complainers: new Set(people.customers.filter((c) => c.complains).map((c) => c.customer.customerId)),
    customerOfNumber: new Map(people.customers.map((c) => [c.customer.phone?.number ?? '', c.customer.customerId])),
    maxInFlight: settings.workers,
  });
  env.onEmailAccepted((email) => pump.emailAccepted(email));
  env.sandbox.state.events.on('sms-status', (record: SmsStatusRecord) => pump.smsStatus(record));

  const config = readOrchestratorConfig(process.env);
  // The deployed SDK timeouts: shorter ones would turn this process's own pauses into provider
  // timeouts after the provider had accepted, which the run must not inject.
  const instances = Array.from({ length: settings.workers }, () => {
    const { deps, logger } = composeOrchestrator(config);
    return { deps: { ...deps, leaseMs: settings.leaseMs }, logger };
  });
  const through = new ThroughTally();
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

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    progress(`enqueueing ${work.queue.length} messages (${settings.requests} requests, copies and poison) for ${settings.customers} customers`);
    const queued = await enqueue(env.sqs, env.queues.requests.url, work.queue);
    loopDelay.enable();
    invoker.start();
    const drained = await waitForDrain(settings, () => depth(env.sqs, env.queues.requests.url), invoker, pump, progress, work.queue.length);
    await invoker.stop();
    // Late feedback of the last sends still lands before the records are read.
    await waitUntil(() => pump.pending() === 0, 15_000);
    return {
      drained,
      invocations: invoker.invocations,
      queued,
      through,
      feedback: pump.stats,
      consentChanges: pump.consentChanges,
      eventLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    };
  } finally {
    loopDelay.disable();
    await invoker.stop();
    pump.stop();
  }
}

/** Seeded per invocation: whether it crashes, and at which of its port calls. */
function crashPoint(settings: ChaosSettings, invocation: number): number | undefined {
  const digest = createHash('sha1').update(`${settings.seed}:crash:${invocation}`).digest();
  if (digest.readUInt32BE(0) / 4_294_967_296 >= settings.faults.deathRate) return undefined;
  // A crash waits for a moment with no send open, which a busy invocation may never reach: the
  // short run crashes at its first calls (reads and claims, before any send), so the crashes it
  // proves do happen whatever the machine's speed.
  const spread = settings.short ? 2 : 40;
  return 1 + (digest.readUInt32BE(4) % spread);
}

async function enqueue(sqs: SQSClient, url: string, entries: QueueEntry[]): Promise<{ entry: QueueEntry; messageId: string }[]> {
  const queued: { entry: QueueEntry; messageId: string }[] = [];
  // SQS takes at most 256 KiB per batch: the large poison goes alone.
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
