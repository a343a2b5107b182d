import { PRICES, type Prices } from './prices.js';

/** What the pipeline measured, per message (and per invocation for Lambda). */
export interface CostInputs {
  batchSize: number;
  memoryMb: number;
  /** Mean handler time of one invocation; Lambda bills it rounded up to the millisecond. */
  handlerMsPerBatch: number;
  /** Every SQS request: upstream sends, the event source's receives and deletes, visibility changes. */
  sqsRequestsPerMessage: number;
  readUnitsPerMessage: number;
  writeUnitsPerMessage: number;
}

export interface CostPerMillion {
  lambdaCompute: number;
  lambdaRequests: number;
  sqs: number;
  dynamoReads: number;
  dynamoWrites: number;
  total: number;
}

const MILLION = 1_000_000;

/** Infrastructure cost of one million messages at list prices; channel fees are not included. */
export function costPerMillion(inputs: CostInputs, prices: Prices = PRICES): CostPerMillion {
  const invocations = MILLION / inputs.batchSize;
  const gbSeconds = invocations * (Math.ceil(inputs.handlerMsPerBatch) / 1000) * (inputs.memoryMb / 1024);
  const parts = {
    lambdaCompute: gbSeconds * prices.lambda.perGbSecondArm,
    lambdaRequests: (invocations / MILLION) * prices.lambda.perMillionRequests,
    sqs: inputs.sqsRequestsPerMessage * prices.sqs.perMillionRequests,
    dynamoReads: inputs.readUnitsPerMessage * prices.dynamodb.perMillionReadUnits,
    dynamoWrites: inputs.writeUnitsPerMessage * prices.dynamodb.perMillionWriteUnits,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

export interface SaasComparison {
  name: string;
  basis: string;
  low: number;
  high: number;
  /** How many times our infrastructure cost each published price is (low and high end). */
  ratioLow: number;
  ratioHigh: number;
}

export function compareWithSaas(totalPerMillion: number, prices: Prices = PRICES): SaasComparison[] {
  return prices.saas.map((s) => ({ name: s.name, basis: s.basis, low: s.low, high: s.high, ratioLow: s.low / totalPerMillion, ratioHigh: s.high / totalPerMillion }));
}

/** What keeping one million messages' items costs per month, and over their whole retention. */
export function storageCostPerMillion(bytesPerMessage: number, retentionDays: number, prices: Prices = PRICES): { gb: number; perMonth: number; overRetention: number } {
  const gb = (bytesPerMessage * MILLION) / 1024 ** 3;
  const perMonth = gb * prices.dynamodb.storagePerGbMonth;
  return { gb, perMonth, overRetention: perMonth * (retentionDays / (365.25 / 12)) };
}
