export interface Target {
  name: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
}

/** Targets from the performance issue; a value at or under its limit (to rounding) is met. */
export function checkTargets(values: {
  dynamoReadsPerMessage: number;
  dynamoWritesPerMessage: number;
  coreRatio: number;
  costPerMillion: number;
  bundleMb: number;
  coldImportMs: number;
  concurrentLambdas: number;
  /** Only when the simulation ran at the size the target is stated for. */
  simulationSeconds?: number;
  simulationOracleShortfall: number;
  simulationCostPerEngagementRatio: number;
}): Target[] {
  const target = (name: string, value: number, limit: number, unit: string): Target => ({ name, value, limit, unit, met: value <= limit * (1 + 1e-9) });
  return [
    target('DynamoDB reads per message', values.dynamoReadsPerMessage, 0.02, 'requests'),
    target('DynamoDB writes per message', values.dynamoWritesPerMessage, 3, 'requests'),
    target('decide + render vs JSON floor', values.coreRatio, 5, '×'),
    target('infrastructure per million messages', values.costPerMillion, 3, 'USD'),
    target('orchestrator bundle', values.bundleMb, 1, 'MB'),
    target('cold import (median)', values.coldImportMs, 300, 'ms'),
    target('Lambdas for 10,000 msg/s (projected)', values.concurrentLambdas, 50, 'concurrent'),
    ...(values.simulationSeconds === undefined ? [] : [target('simulation of 2,000 customers × 30 days', values.simulationSeconds, 60, 's')]),
    target('engagements short of the oracle (shipped population)', values.simulationOracleShortfall, 0.1, 'share'),
    target('cost per engagement vs the cheapest other policy', values.simulationCostPerEngagementRatio, 1, '×'),
  ];
}
