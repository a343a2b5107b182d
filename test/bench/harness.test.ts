import { describe, expect, inject, it } from 'vitest';
import { type BenchResults, runBench } from '../../bench/harness.js';
import { formatReport } from '../../bench/report.js';

/** Numbers at every leaf, with their paths, so one missing or NaN figure names itself. */
function numbers(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => numbers(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => numbers(item, path ? `${path}.${key}` : key));
  return [];
}

const FIGURES = [
  'core.decideRenderUs',
  'core.floorUs',
  'core.ratio',
  'pipeline.throughputPerSecond',
  'pipeline.latency.p50Ms',
  'pipeline.latency.p95Ms',
  'pipeline.latency.p99Ms',
  'pipeline.handler.meanMsPerBatch',
  'pipeline.handler.cpuMsPerMessage',
  'pipeline.perMessage.dynamoReadRequests',
  'pipeline.perMessage.dynamoWriteRequests',
  'pipeline.perMessage.readUnits',
  'pipeline.perMessage.writeUnits',
  'pipeline.perMessage.providerCalls',
  'pipeline.perMessage.sqsRequests',
  'pipeline.memory.peakRssMb',
  'pipeline.memory.peakHeapUsedMb',
  'cost.lambdaCompute',
  'cost.sqs',
  'cost.dynamoReads',
  'cost.dynamoWrites',
  'cost.total',
  'cost.storage.gb',
  'coldStart.bundleBytes',
  'coldStart.medianImportMs',
  'projection.concurrentLambdas',
];

describe('npm run bench, at a tiny size', () => {
  it('produces every figure, each a finite number, and prints them', async () => {
    const results: BenchResults = await runBench({
      mode: 'test',
      sizes: { coreCustomers: 200, coreMessages: 100, coreRounds: 1, pipelineRequests: 100, coldStartRuns: 1, simulationCustomers: 100 },
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    });
    const figures = new Map(numbers(results));
    for (const figure of FIGURES) expect(figures.get(figure), figure).toEqual(expect.any(Number));
    expect([...figures].filter(([, value]) => !Number.isFinite(value))).toEqual([]);
    expect(Object.keys(results.pipeline.perMessage.byOperation)).toEqual(
      expect.arrayContaining(['DynamoDB BatchGetItem customers', 'DynamoDB UpdateItem deliveries', 'SQS ReceiveMessage', 'SESv2 SendEmail']),
    );
    expect(results.pipeline.operations.filter((o) => o.service === 'DynamoDB').every((o) => o.callsWithCapacity > 0)).toBe(true);
    expect(results.cost.saas.map((s) => s.name)).toEqual(['Knock', 'Novu', 'SuprSend']);
    expect(results.targets).toHaveLength(9);
    const report = formatReport(results);
    for (const title of ['Core:', 'Pipeline:', 'Cost per million', 'Cold start', 'Projection:', 'Targets']) expect(report).toContain(title);
  }, 120_000);
});
