/**
 * The coverage floor `npm test` enforces, kept in coverage-floor.json: a whole percent per metric
 * that only rises, so a change that lowers coverage fails and one that raises it can lock it in.
 */
import { z } from 'zod';

export const METRICS = ['statements', 'branches', 'functions', 'lines'] as const;
export type Metric = (typeof METRICS)[number];

const percent = z.number().min(0).max(100);

export const CoverageFloor = z.strictObject({
  statements: percent.int(),
  branches: percent.int(),
  functions: percent.int(),
  lines: percent.int(),
});
export type CoverageFloor = z.infer<typeof CoverageFloor>;

const measured = z.object({ pct: percent });

/** The totals of vitest's `json-summary` report (coverage/coverage-summary.json). */
export const CoverageSummary = z.object({
  total: z.object({ statements: measured, branches: measured, functions: measured, lines: measured }),
});
export type CoverageSummary = z.infer<typeof CoverageSummary>;

/** Each metric at the measured percent rounded down, wherever that is above the floor it had. */
export function raisedFloor(floor: CoverageFloor, summary: CoverageSummary): CoverageFloor {
  const next = { ...floor };
  for (const metric of METRICS) next[metric] = Math.max(floor[metric], Math.floor(summary.total[metric].pct));
  return next;
}
