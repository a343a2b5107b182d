import { isDynamoRead, isDynamoWrite, type OperationCount } from '../request-tally.js';
import { mean, percentile, sum } from '../stats.js';
import type { LatencySummary } from './provider-latency.js';
import type { StoredFacts } from './tables.js';

export interface PipelineResult {
  requests: number;
  customers: number;
  batchSize: number;
  invocations: number;
  wallSeconds: number;
  throughputPerSecond: number;
  latency: LatencySummary;
  /** Warm invocations: the first one, which also compiles and connects, is left out. */
  handler: {
    meanMsPerBatch: number;
    p95MsPerBatch: number;
    cpuMsPerBatch: number;
    wallMsPerMessage: number;
    cpuMsPerMessage: number;
    /** Wall time not spent on this process's CPU: waiting on DynamoDB, SQS and the providers. */
    ioMsPerMessage: number;
  };
  memory: { peakRssMb: number; peakHeapUsedMb: number; heapAfterGcMb?: number };
  operations: OperationCount[];
  perMessage: {
    dynamoReadRequests: number;
    dynamoWriteRequests: number;
    /** Request units as DynamoDB Local reported them (ReturnConsumedCapacity TOTAL, indexes included). */
    readUnits: number;
    /** Reported write units, plus one per failed conditional write (DynamoDB bills those; it reports nothing). */
    writeUnits: number;
    failedConditionalWrites: number;
    /** SES SendEmail, SNS Publish and opt-out checks, Pinpoint SendMessages. */
    providerCalls: number;
    inboxWrites: number;
    sqsRequests: number;
    /** Every operation's requests per message, e.g. `DynamoDB PutItem deliveries`. */
    byOperation: Record<string, number>;
  };
  stored: StoredFacts;
}

export interface RawPipeline {
  requests: number;
  customers: number;
  batchSize: number;
  wallMs: number;
  batches: { messages: number; ms: number; cpuMs: number }[];
  latency: LatencySummary;
  operations: OperationCount[];
  memory: { peakRssMb: number; peakHeapUsedMb: number; heapAfterGcMb?: number };
  stored: StoredFacts;
}

const PROVIDERS = new Set(['SESv2.SendEmail', 'SNS.Publish', 'SNS.CheckIfPhoneNumberIsOptedOut', 'Pinpoint.SendMessages']);

export function summarize(raw: RawPipeline): PipelineResult {
  const n = raw.requests;
  const ops = raw.operations;
  const dynamo = ops.filter((o) => o.service === 'DynamoDB');
  const reads = dynamo.filter((o) => isDynamoRead(o.operation));
  const writes = dynamo.filter((o) => isDynamoWrite(o.operation));
  const failedConditions = sum(writes.map((o) => o.errors.ConditionalCheckFailedException ?? 0));
  const handled = raw.batches.length;
  // The first invocation loads and compiles everything (a cold start's work); cost and capacity follow warm ones.
  const warm = raw.batches.length > 1 ? raw.batches.slice(1) : raw.batches;
  const messagesPerBatch = sum(warm.map((b) => b.messages)) / Math.max(1, warm.length);
  const meanMs = mean(warm.map((b) => b.ms));
  const cpuMs = mean(warm.map((b) => b.cpuMs));
  return {
    requests: n,
    customers: raw.customers,
    batchSize: raw.batchSize,
    invocations: handled,
    wallSeconds: raw.wallMs / 1000,
    throughputPerSecond: n / (raw.wallMs / 1000),
    latency: raw.latency,
    handler: {
      meanMsPerBatch: meanMs,
      p95MsPerBatch: percentile(
        warm.map((b) => b.ms),
        95,
      ),
      cpuMsPerBatch: cpuMs,
      wallMsPerMessage: meanMs / messagesPerBatch,
      cpuMsPerMessage: cpuMs / messagesPerBatch,
      ioMsPerMessage: Math.max(0, meanMs - cpuMs) / messagesPerBatch,
    },
    memory: raw.memory,
    operations: ops,
    perMessage: {
      dynamoReadRequests: sum(reads.map((o) => o.requests)) / n,
      dynamoWriteRequests: sum(writes.map((o) => o.requests)) / n,
      readUnits: sum(reads.map((o) => o.capacityUnits)) / n,
      writeUnits: (sum(writes.map((o) => o.capacityUnits)) + failedConditions) / n,
      failedConditionalWrites: failedConditions / n,
      providerCalls: sum(ops.filter((o) => PROVIDERS.has(`${o.service}.${o.operation}`)).map((o) => o.requests)) / n,
      inboxWrites: sum(writes.filter((o) => o.resource === 'inbox').map((o) => o.requests)) / n,
      sqsRequests: sum(ops.filter((o) => o.service === 'SQS').map((o) => o.requests)) / n,
      byOperation: Object.fromEntries(ops.map((o) => [[o.service, o.operation, o.resource].filter(Boolean).join(' '), o.requests / n])),
    },
    stored: raw.stored,
  };
}
