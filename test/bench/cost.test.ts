import { describe, expect, it } from 'vitest';
import { compareWithSaas, costPerMillion, storageCostPerMillion } from '../../bench/cost.js';
import { PRICES } from '../../bench/prices.js';

describe('costPerMillion', () => {
  const inputs = { batchSize: 50, memoryMb: 1024, handlerMsPerBatch: 249.2, sqsRequestsPerMessage: 0.3, readUnitsPerMessage: 0.5, writeUnitsPerMessage: 6 };

  it('bills Lambda per invocation, rounded up to the millisecond, at the Arm price', () => {
    const cost = costPerMillion(inputs);
    // 20,000 invocations × 0.250 s × 1 GB = 5,000 GB-s.
    expect(cost.lambdaCompute).toBeCloseTo(5_000 * 0.0000133334, 10);
    expect(cost.lambdaRequests).toBeCloseTo(0.02 * 0.2, 10);
  });

  it('scales compute with memory and batch size', () => {
    const half = costPerMillion({ ...inputs, memoryMb: 512 });
    const bigger = costPerMillion({ ...inputs, batchSize: 100 });
    expect(half.lambdaCompute).toBeCloseTo(costPerMillion(inputs).lambdaCompute / 2, 10);
    expect(bigger.lambdaRequests).toBeCloseTo(0.01 * 0.2, 10);
  });

  it('prices SQS requests and DynamoDB request units per message, and sums the parts', () => {
    const cost = costPerMillion(inputs);
    expect(cost.sqs).toBeCloseTo(0.12, 10);
    expect(cost.dynamoReads).toBeCloseTo(0.0625, 10);
    expect(cost.dynamoWrites).toBeCloseTo(3.75, 10);
    expect(cost.total).toBeCloseTo(cost.lambdaCompute + cost.lambdaRequests + 0.12 + 0.0625 + 3.75, 10);
  });

  it('takes other prices when given them', () => {
    const free = { ...PRICES, dynamodb: { ...PRICES.dynamodb, perMillionWriteUnits: 0 } };
    expect(costPerMillion(inputs, free).dynamoWrites).toBe(0);
  });
});

describe('compareWithSaas', () => {
  it('states each published price as a multiple of ours, low and high end', () => {
    const rows = compareWithSaas(2.5);
    expect(rows.map((r) => [r.name, r.ratioLow, r.ratioHigh])).toEqual([
      ['Knock', 2_000, 2_000],
      ['Novu', 480, 480],
      ['SuprSend', 800, 2_000],
    ]);
  });
});

describe('storageCostPerMillion', () => {
  it('turns bytes per message into GB and months of retention', () => {
    const gib = 1024 ** 3 / 1_000_000;
    const storage = storageCostPerMillion(2 * gib, (365.25 / 12) * 3);
    expect(storage.gb).toBeCloseTo(2, 10);
    expect(storage.perMonth).toBeCloseTo(0.5, 10);
    expect(storage.overRetention).toBeCloseTo(1.5, 10);
  });
});
