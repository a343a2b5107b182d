import { availableParallelism } from 'node:os';
import { type ColdStartResult, measureColdStart } from './cold-start.js';
import { type CoreCostResult, measureCoreCost } from './core-cost.js';
import { compareWithSaas, type CostPerMillion, costPerMillion, type SaasComparison, storageCostPerMillion } from './cost.js';
import { runPipelineInChild } from './pipeline/run.js';
import type { PipelineResult } from './pipeline/results.js';
import { PRICES, type Prices } from './prices.js';
import { type Progress, silentProgress } from './progress.js';
import { type Projection, projectConcurrency } from './projection.js';
import { readStackFacts, removeStackOutput, type StackFacts } from './stack/facts.js';
import { measureSimulation, type SimulationResult } from './simulation.js';
import { checkTargets, type Target } from './targets.js';
import { compiledTemplates } from './templates.js';

export interface BenchSizes {
  coreCustomers: number;
  coreMessages: number;
  coreRounds: number;
  pipelineRequests: number;
  coldStartRuns: number;
  /** Customers of the shipped simulated population (30 days); the target is stated for 2,000. */
  simulationCustomers: number;
}

export const SIZES: Record<'full' | 'quick', BenchSizes> = {
  full: { coreCustomers: 1_000, coreMessages: 5_000, coreRounds: 5, pipelineRequests: 20_000, coldStartRuns: 10, simulationCustomers: 2_000 },
  quick: { coreCustomers: 1_000, coreMessages: 1_000, coreRounds: 3, pipelineRequests: 1_000, coldStartRuns: 10, simulationCustomers: 2_000 },
};

export interface BenchOptions {
  mode: string;
  sizes: BenchSizes;
  seed?: number;
  /** Reuse a running DynamoDB Local (tests share one). */
  dynamoDbEndpoint?: string;
  /** Profile the pipeline process (`--cpu-prof`) into this folder. */
  cpuProfileDir?: string;
  progress?: Progress;
}

export interface BenchResults {
  meta: { mode: string; startedAt: string; node: string; cpus: number; seed: number; sizes: BenchSizes };
  stack: Omit<StackFacts, 'outdir' | 'bundleDir' | 'bundleFile' | 'environment' | 'referencedEnvironment'>;
  core: CoreCostResult;
  pipeline: PipelineResult;
  cost: CostPerMillion & {
    inputs: Parameters<typeof costPerMillion>[0];
    excluded: string[];
    saas: SaasComparison[];
    storage: ReturnType<typeof storageCostPerMillion> & { bytesPerMessage: number; retentionDays: number };
    prices: Prices;
  };
  coldStart: ColdStartResult;
  simulation: SimulationResult;
  projection: Projection;
  targets: Target[];
}

const EXCLUDED = [
  'channel fees (SES per email, SNS per SMS part, push per message)',
  'DynamoDB storage (shown apart below)',
  'CloudWatch Logs, metrics and X-Ray traces',
  'data transfer, API Gateway ingest, KMS, free tiers',
];

/** Every phase in turn; each figure that compares is a ratio or a count from this same run. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const progress = options.progress ?? silentProgress;
  const seed = options.seed ?? 20_261_124;
  const { sizes } = options;
  const startedAt = new Date().toISOString();

  progress.phase('stack: synthesize, bundle the orchestrator as NodejsFunction does');
  const facts = await readStackFacts();
  progress.done(`batch ${facts.batchSize}, ${facts.memoryMb} MB ${facts.architecture}, bundle ${(facts.bundleBytes / 1e6).toFixed(2)} MB`);
  try {
    progress.phase('core: decide + render vs JSON floor');
    const core = await measureCoreCost({
      bundle: compiledTemplates().bundle,
      customers: sizes.coreCustomers,
      messages: sizes.coreMessages,
      rounds: sizes.coreRounds,
      seed,
      ...(facts.environment.APP_DEEP_LINK_SCHEME ? { appScheme: facts.environment.APP_DEEP_LINK_SCHEME } : {}),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.done(`${core.decideRenderUs.toFixed(1)} µs/msg, ${core.ratio.toFixed(1)}× floor`);

    progress.phase(`pipeline: ${sizes.pipelineRequests} requests, batch ${facts.batchSize}`);
    const pipeline = await runPipelineInChild({
      requests: sizes.pipelineRequests,
      customers: Math.max(1_000, Math.ceil(sizes.pipelineRequests / 4)),
      batchSize: facts.batchSize,
      seed,
      functionEnvironment: facts.environment,
      ...(options.dynamoDbEndpoint ? { dynamoDbEndpoint: options.dynamoDbEndpoint } : {}),
      ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.done(`${pipeline.throughputPerSecond.toFixed(0)} msg/s, p95 ${pipeline.latency.p95Ms} ms`);

    progress.phase(`cold start: ${sizes.coldStartRuns} fresh imports of the bundle`);
    const coldStart = await measureColdStart(facts, sizes.coldStartRuns, (done, total) => progress.update(done, total));
    progress.done(`median ${coldStart.medianImportMs.toFixed(0)} ms`);

    progress.phase(`decision simulator: ${sizes.simulationCustomers} customers × 30 days, five policies`);
    const simulation = measureSimulation(compiledTemplates().bundle, sizes.simulationCustomers);
    progress.done(`${simulation.requests} requests in ${simulation.seconds.toFixed(1)} s, ${(simulation.shareOfOracle * 100).toFixed(1)}% of the oracle`);

    const costInputs = {
      batchSize: facts.batchSize,
      memoryMb: facts.memoryMb,
      handlerMsPerBatch: pipeline.handler.meanMsPerBatch,
      sqsRequestsPerMessage: pipeline.perMessage.sqsRequests,
      readUnitsPerMessage: pipeline.perMessage.readUnits,
      writeUnitsPerMessage: pipeline.perMessage.writeUnits,
    };
    const cost = costPerMillion(costInputs);
    const retentionDays = Number(facts.environment.DELIVERY_RETENTION_DAYS ?? 400);
    const inboxRetentionDays = Number(facts.environment.INBOX_RETENTION_DAYS ?? 90);
    // Delivery records live for their retention; inbox items for theirs: weight the inbox share to match.
    // An index projecting ALL stores each record again, plus about 100 bytes of index overhead.
    const indexCopy = facts.historyIndexProjection === 'ALL' ? pipeline.stored.deliveryItemBytes + 100 : 0;
    const bytesPerMessage =
      pipeline.stored.deliveryItemBytes + indexCopy + (pipeline.stored.inboxItems / pipeline.requests) * pipeline.stored.inboxItemBytes * (inboxRetentionDays / retentionDays);
    const projection = projectConcurrency({
      targetPerSecond: 10_000,
      memoryMb: facts.memoryMb,
      cpuMsPerMessage: pipeline.handler.cpuMsPerMessage,
      ioMsPerMessage: pipeline.handler.ioMsPerMessage,
      stackMaxConcurrency: facts.maxConcurrency,
    });
    const { outdir: _o, bundleDir: _d, bundleFile: _f, environment: _e, referencedEnvironment: _r, ...stack } = facts;
    return {
      meta: { mode: options.mode, startedAt, node: process.version, cpus: availableParallelism(), seed, sizes },
      stack,
      core,
      pipeline,
      cost: {
        ...cost,
        inputs: costInputs,
        excluded: EXCLUDED,
        saas: compareWithSaas(cost.total),
        storage: { ...storageCostPerMillion(bytesPerMessage, retentionDays), bytesPerMessage, retentionDays },
        prices: PRICES,
      },
      coldStart,
      simulation,
      projection,
      targets: checkTargets({
        dynamoReadsPerMessage: pipeline.perMessage.dynamoReadRequests,
        dynamoWritesPerMessage: pipeline.perMessage.dynamoWriteRequests,
        coreRatio: core.ratio,
        costPerMillion: cost.total,
        bundleMb: coldStart.bundleBytes / 1e6,
        coldImportMs: coldStart.medianImportMs,
        concurrentLambdas: projection.concurrentLambdas,
        ...(sizes.simulationCustomers >= 2_000 ? { simulationSeconds: simulation.seconds } : {}),
        simulationOracleShortfall: 1 - simulation.shareOfOracle,
        simulationCostPerEngagementRatio: simulation.costPerEngagementRatio,
      }),
    };
  } finally {
    await removeStackOutput(facts);
  }
}
