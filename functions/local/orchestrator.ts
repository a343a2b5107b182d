import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchItemFailure, SQSRecord } from 'aws-lambda';
import type { OrchestratorDeps } from '../core/orchestrate.js';
import type { Clock } from '../core/ports.js';
import { wakeBodyOf, wakeMessageSchema } from '../core/timing/wake.js';
import { composeOrchestrator } from '../orchestrator/composition.js';
import { readOrchestratorConfig } from '../orchestrator/config.js';
import { createOrchestratorHandler } from '../orchestrator/create-handler.js';
import type { SqsHandler } from './sqs-poller.js';
import type { LocalWakeScheduler } from './wake-scheduler.js';

/**
 * The deployed orchestrator, composed from the environment as at a cold start, with the local
 * wake scheduler in place of the deployed one (nothing local runs EventBridge Scheduler) and the
 * learned priors read every minute rather than every few.
 */
export function loadLocalOrchestrator(wakes: LocalWakeScheduler): SqsHandler {
  // Local mode learns the priors every minute, so they are read as often: a run shows its own history soon.
  const { deps, logger } = composeOrchestrator(readOrchestratorConfig(process.env), { priorsCache: { keepMs: 60_000, retryMs: 10_000 } });
  return localOrchestratorHandler({ ...deps, scheduler: wakes }, logger, wakes);
}

/**
 * The orchestrator's SQS handler, except that a wake fired ahead of its time is handled on its
 * own, on a clock moved forward by as much: the request is decided as at its due time (a
 * deferral would otherwise find quiet hours still on and wait again, an escalation find its
 * step not yet due). Everything else in the batch is handled on the real clock.
 */
export function localOrchestratorHandler(deps: OrchestratorDeps, logger: Logger, wakes: Pick<LocalWakeScheduler, 'firedEarly'>): SqsHandler {
  const onTime: SqsHandler = createOrchestratorHandler(deps, logger);
  return async (event, context) => {
    const early = new Map<SQSRecord, number>();
    for (const record of event.Records) {
      const ms = earlyByMs(record.body, wakes);
      if (ms !== undefined) early.set(record, ms);
    }
    if (early.size === 0) return onTime(event, context);
    const failures: SQSBatchItemFailure[] = [];
    const rest = event.Records.filter((record) => !early.has(record));
    if (rest.length > 0) failures.push(...((await onTime({ Records: rest }, context))?.batchItemFailures ?? []));
    for (const [record, ms] of early) {
      const ahead: SqsHandler = createOrchestratorHandler({ ...deps, clock: movedForward(deps.clock, ms) }, logger);
      failures.push(...((await ahead({ Records: [record] }, context))?.batchItemFailures ?? []));
    }
    return { batchItemFailures: failures };
  };
}

function earlyByMs(body: string, wakes: Pick<LocalWakeScheduler, 'firedEarly'>): number | undefined {
  const wake = wakeBodyOf(body);
  const parsed = wake ? wakeMessageSchema.safeParse(wake) : undefined;
  return parsed?.success ? wakes.firedEarly(parsed.data.wake)?.earlyByMs : undefined;
}

function movedForward(clock: Clock, ms: number): Clock {
  return { now: () => new Date(clock.now().getTime() + ms) };
}
