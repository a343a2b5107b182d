import type { BenchResults } from './harness.js';

type Row = [label: string, value: string, note?: string];

const n = (value: number, digits = 2) => (Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const usd = (value: number, digits = 2) => `$${n(value, digits)}`;
const times = (value: number) => `${n(value, value >= 100 ? 0 : 1)}×`;

/** The results as a plain-text table, one section per phase, then the targets. */
export function formatReport(r: BenchResults): string {
  const p = r.pipeline;
  const per = p.perMessage;
  const sections: [string, Row[]][] = [
    [
      `Core: decide + render (${r.core.messages} requests over ${r.meta.sizes.coreCustomers} customers, ${r.core.rounds} rounds, median)`,
      [
        [
          'decide + render',
          `${n(r.core.decideRenderUs, 1)} µs/msg`,
          `${times(r.core.ratio)} the JSON floor (${n(r.core.floorUs, 1)} µs: parse + stringify of request and customer)`,
        ],
        ['validate (zod), for scale', `${n(r.core.validateUs, 1)} µs/msg`, `${times(r.core.validateRatio)} the floor; not in the ratio`],
        [
          'rendered',
          Object.entries(r.core.renders)
            .map(([channel, count]) => `${channel} ${count}`)
            .join(', '),
          `${r.core.suppressed} suppressed, ${r.core.renderFailures} render failures`,
        ],
      ],
    ],
    [
      `Pipeline: ${p.requests} requests, ${p.customers} customers, batch ${p.batchSize} (SQS emulator → handler → DynamoDB Local, sandbox, local SES)`,
      [
        ['throughput', `${n(p.throughputPerSecond, 0)} msg/s`, `one consumer, one batch at a time; ${p.invocations} invocations in ${n(p.wallSeconds, 1)} s`],
        [
          'latency createdAt → provider call',
          `p50 ${p.latency.p50Ms} / p95 ${p.latency.p95Ms} / p99 ${p.latency.p99Ms} ms`,
          `${p.latency.measured} messages sent (${p.latency.matchedByPhone} SMS matched by number)`,
        ],
        [
          'handler per warm batch',
          `${n(p.handler.meanMsPerBatch, 0)} ms (p95 ${n(p.handler.p95MsPerBatch, 0)})`,
          `CPU ${n(p.handler.cpuMsPerMessage)} ms + waiting ${n(p.handler.ioMsPerMessage)} ms per message`,
        ],
        ['DynamoDB reads', `${n(per.dynamoReadRequests, 3)} req/msg`, `${n(per.readUnits, 2)} read units/msg`],
        [
          'DynamoDB writes',
          `${n(per.dynamoWriteRequests, 2)} req/msg`,
          `${n(per.writeUnits, 2)} write units/msg (${n(per.failedConditionalWrites, 3)} failed conditions at 1 unit)`,
        ],
        ['capacity units', 'reported by DynamoDB Local', 'ReturnConsumedCapacity TOTAL, index writes included'],
        ['provider calls', `${n(per.providerCalls)} /msg`, `plus ${n(per.inboxWrites)} in-app inbox writes/msg`],
        ['SQS requests', `${n(per.sqsRequests, 3)} /msg`, 'send, receive, delete (batches of 10)'],
        [
          'peak memory (pipeline process)',
          `RSS ${n(p.memory.peakRssMb, 0)} MB`,
          `heap ${n(p.memory.peakHeapUsedMb, 0)} MB at peak${p.memory.heapAfterGcMb !== undefined ? `, ${n(p.memory.heapAfterGcMb, 0)} MB after a full GC at the end` : ''}`,
        ],
        [
          'outcomes',
          Object.entries(p.stored.outcomes)
            .map(([status, count]) => `${status} ${count}`)
            .join(', '),
          `and ${p.stored.otherDeliveryTableItems} SMS message-id index items`,
        ],
        ...Object.entries(per.byOperation).map(([operation, perMessage]): Row => [`  ${operation}`, `${n(perMessage, 3)} /msg`]),
      ],
    ],
    [
      `Cost per million messages (${r.cost.prices.region} list prices; channel fees excluded)`,
      [
        ['Lambda compute', usd(r.cost.lambdaCompute, 3), `${r.stack.memoryMb} MB ${r.stack.architecture}, ${n(p.handler.meanMsPerBatch, 0)} ms per ${p.batchSize}-message batch`],
        ['Lambda requests', usd(r.cost.lambdaRequests, 3)],
        ['SQS', usd(r.cost.sqs, 3)],
        ['DynamoDB reads', usd(r.cost.dynamoReads, 3)],
        ['DynamoDB writes', usd(r.cost.dynamoWrites, 3)],
        ['total', usd(r.cost.total), `excluded: ${r.cost.excluded.join('; ')}`],
        ...r.cost.saas.map((s): Row => [
          `  vs ${s.name}`,
          s.low === s.high ? usd(s.low, 0) : `${usd(s.low, 0)}–${usd(s.high, 0)}`,
          `${s.basis}: ${s.low === s.high ? times(s.ratioLow) : `${times(s.ratioLow)}–${times(s.ratioHigh)}`} ours`,
        ]),
        [
          'storage, not in total',
          `${n(r.cost.storage.gb)} GB`,
          `${usd(r.cost.storage.perMonth)} per month; ${usd(r.cost.storage.overRetention)} over the ${r.cost.storage.retentionDays}-day retention (${n(r.cost.storage.bytesPerMessage, 0)} B/msg, history index ${r.stack.historyIndexProjection})`,
        ],
      ],
    ],
    [
      "Cold start (bundle built by the stack's NodejsFunction)",
      [
        ['orchestrator bundle', `${n(r.coldStart.bundleBytes / 1e6)} MB`, `source map ${n(r.coldStart.sourceMapBytes / 1e6)} MB`],
        [
          'import in a fresh process',
          `${n(r.coldStart.medianImportMs, 0)} ms median of ${r.coldStart.runs}`,
          `${n(r.coldStart.medianImportMsWithoutNodeOptions, 0)} ms without NODE_OPTIONS=--enable-source-maps`,
        ],
      ],
    ],
    [
      `Decision simulator: ${r.simulation.population}, ${r.simulation.customers} customers × ${r.simulation.days} days`,
      [
        ['run', `${n(r.simulation.seconds, 1)} s`, `${r.simulation.requests} requests through five policies`],
        [
          'engagements',
          `${n(r.simulation.shareOfOracle * 100, 1)}% of the oracle`,
          `${times(r.simulation.engagementsOverBestSimple)} the better of fixed order and engagement ratio`,
        ],
        ['fees per engagement', `${times(r.simulation.costPerEngagementRatio)} the cheapest other policy`, 'below 1× is cheaper'],
      ],
    ],
    [
      `Projection: ${r.projection.targetPerSecond.toLocaleString('en-US')} msg/s`,
      [
        [
          'concurrent Lambdas',
          String(r.projection.concurrentLambdas),
          `${n(r.projection.msPerMessageOnLambda)} ms/msg at ${n(r.projection.vcpuShare)} vCPU; ${r.projection.cpuBoundLambdas} if waiting overlapped fully`,
        ],
        ['at 1,769 MB (one vCPU)', String(r.projection.concurrentLambdasAtOneVcpu), 'same measurements, CPU time not stretched'],
        ['stack allows', String(r.projection.stackMaxConcurrency), 'event source maxConcurrency'],
      ],
    ],
    [
      'Targets',
      r.targets.map((t): Row => [t.name, `${n(t.value, Number.isInteger(t.value) ? 0 : t.value < 1 ? 3 : 2)} ${t.unit}`, `${t.met ? 'met' : 'MISSED'} (≤ ${t.limit} ${t.unit})`]),
    ],
  ];
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([label]) => label.length)));
  // Long values (lists) are not padded to: they would push every note off the screen.
  const valueWidth = Math.max(...sections.flatMap(([, rows]) => rows.map(([, value]) => value.length).filter((length) => length <= 32)));
  const lines = [`Switchboard benchmark, ${r.meta.mode} run, ${r.meta.startedAt} (Node ${r.meta.node}, ${r.meta.cpus} CPUs)`];
  for (const [title, rows] of sections) {
    lines.push('', title);
    for (const [label, value, note] of rows) lines.push(`  ${label.padEnd(width)}  ${value.padEnd(valueWidth)}${note ? `  ${note}` : ''}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
