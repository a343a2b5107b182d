import { claimLeaseMs } from '../functions/definitions/tables.js';

export interface FaultRates {
  /** Chance that a call not already failing starts a run of failures. */
  rate: number;
  /** Longest run of consecutive failures of one call (its SDK retries included). */
  maxBurst: number;
  /** Chance that a run goes on after each failure. */
  burstiness: number;
}

export interface ChaosSettings {
  seed: number;
  /** The variant `npm test` runs. */
  short: boolean;
  /** Distinct send requests, poison messages not counted. */
  requests: number;
  customers: number;
  /** Invocations running at once: the function's concurrency. */
  workers: number;
  /** SQS messages per invocation (one receive, at most 10). */
  batchSize: number;
  /** The function timeout: an invocation still running then is ended, as Lambda ends it. */
  functionTimeoutMs: number;
  /** Visibility timeout of each receive; a failed or ended invocation's messages return after it. */
  visibilityTimeoutSeconds: number;
  /** The orchestrator's claim lease: longer than an invocation, shorter than the visibility timeout. */
  leaseMs: number;
  faults: {
    dynamodb: FaultRates;
    ses: FaultRates;
    providers: FaultRates;
    /** Chance that an invocation dies part way through. */
    deathRate: number;
    /** Share of requests put on the queue twice, as two messages. */
    duplicateRate: number;
    /** Messages of each poison kind. */
    poisonEach: number;
    /** Chance that a feedback event is delivered twice. */
    feedbackDuplicateRate: number;
  };
  /** Gives up waiting for the queue to drain after this long. */
  drainTimeoutMs: number;
}

const FAULTS: ChaosSettings['faults'] = {
  dynamodb: { rate: 0.07, maxBurst: 5, burstiness: 0.55 },
  ses: { rate: 0.12, maxBurst: 5, burstiness: 0.55 },
  providers: { rate: 0.12, maxBurst: 5, burstiness: 0.55 },
  deathRate: 0.06,
  duplicateRate: 0.05,
  poisonEach: 5,
  feedbackDuplicateRate: 0.3,
};

/** Long enough that the orchestrator's reserve (the slowest provider call and the record writes) leaves time to send. */
const FUNCTION_TIMEOUT_MS = 20_000;
/** Just past the timeout, so a message of an invocation that died comes back soon. */
const VISIBILITY_TIMEOUT_SECONDS = 21;

/** The full run: `npm run chaos`. */
export function fullRun(seed: number, requests = 5_000): ChaosSettings {
  return {
    seed,
    short: false,
    requests,
    customers: Math.max(40, Math.round(requests / 15)),
    workers: 12,
    batchSize: 10,
    functionTimeoutMs: FUNCTION_TIMEOUT_MS,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    leaseMs: claimLeaseMs(FUNCTION_TIMEOUT_MS, VISIBILITY_TIMEOUT_SECONDS * 1000),
    faults: { ...FAULTS, poisonEach: Math.max(2, Math.round(requests / 1_000)) },
    drainTimeoutMs: 120_000 + requests * 120,
  };
}

/** The seeded variant `npm test` runs: a few hundred requests, well under a minute. */
export function shortRun(seed: number, requests = 300): ChaosSettings {
  return { ...fullRun(seed, requests), short: true, workers: 8, faults: { ...FAULTS, poisonEach: 1 }, drainTimeoutMs: 100_000 };
}
