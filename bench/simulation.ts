import { readFileSync } from 'node:fs';
import { defaultDecisionConfig } from '../functions/core/config.js';
import type { TemplateBundle } from '../functions/core/templates.js';
import { populationSchema } from '../functions/simulate/population.js';
import { simulate } from '../functions/simulate/simulate.js';

export interface SimulationResult {
  population: string;
  customers: number;
  days: number;
  requests: number;
  seconds: number;
  /** Switchboard's engagements as a share of the oracle's, and against the best of the simple policies. */
  shareOfOracle: number;
  engagementsOverBestSimple: number;
  /** Switchboard's fees per engagement over the lowest of the other non-oracle policies'. */
  costPerEngagementRatio: number;
}

const SIMPLE = ['fixed-order', 'engagement-ratio'] as const;
const OTHERS = ['fixed-order', 'engagement-ratio', 'random'] as const;

/** The shipped population through `simulate`, timed once: the figures the README's decision table quotes. */
export function measureSimulation(bundle: TemplateBundle, customers: number): SimulationResult {
  const file = new URL('../simulate/retailer.json', import.meta.url);
  const population = { ...populationSchema.parse(JSON.parse(readFileSync(file, 'utf8'))), customers };
  const manifests = Object.values(bundle.templates).map((template) => template.manifest);
  const started = performance.now();
  const report = simulate(population, manifests, defaultDecisionConfig);
  const seconds = (performance.now() - started) / 1000;
  const byName = new Map(report.policies.map((policy) => [policy.policy, policy]));
  const switchboard = byName.get('switchboard')!;
  const bestSimple = Math.max(...SIMPLE.map((name) => byName.get(name)?.engagements ?? 0));
  const cheapest = Math.min(...OTHERS.map((name) => byName.get(name)?.costPerEngagement ?? Number.POSITIVE_INFINITY));
  return {
    population: 'simulate/retailer.json',
    customers,
    days: population.days,
    requests: report.population.requests,
    seconds,
    shareOfOracle: switchboard.shareOfOracle,
    engagementsOverBestSimple: bestSimple > 0 ? switchboard.engagements / bestSimple : Number.POSITIVE_INFINITY,
    costPerEngagementRatio: (switchboard.costPerEngagement ?? Number.POSITIVE_INFINITY) / cheapest,
  };
}
