import type { DecisionConfig } from '../config.js';
import type { Clock, DeliverySample, PriorsStore } from '../ports.js';
import { observationsOfItem } from './observations.js';
import { type LearnedPriors, learnPriors, type Observation } from './priors.js';

/**
 * Items one refresh reads at most. Enough for rates to two decimals per channel and moment; few
 * enough that the read costs cents and fits one short invocation, however large the table grows.
 */
export const PRIORS_SAMPLE_ITEMS = 20_000;

/** Messages older than this many half-lives count for less than a sixteenth: they are not read. */
export const PRIORS_WINDOW_HALF_LIVES = 4;

const DAY_MS = 86_400_000;

export interface RefreshDeps {
  deliveries: DeliverySample;
  store: PriorsStore;
  clock: Clock;
  decisionConfig: DecisionConfig;
}

export interface RefreshResult {
  priors: LearnedPriors;
  /** Items read, and whether the whole table was. */
  read: number;
  complete: boolean;
}

/** Learns the priors from the recent delivery records and stores them, replacing the ones before. */
export async function refreshPriors(deps: RefreshDeps, maxItems = PRIORS_SAMPLE_ITEMS): Promise<RefreshResult> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - PRIORS_WINDOW_HALF_LIVES * deps.decisionConfig.learning.priorsHalfLifeDays * DAY_MS);
  const observations: Observation[] = [];
  const summary = await deps.deliveries.read(since, maxItems, (item) => {
    // The read goes by when a record was created; each send is held to the window on its own time too.
    for (const observation of observationsOfItem(item)) if (observation.at.getTime() >= since.getTime()) observations.push(observation);
  });
  const priors = learnPriors(observations, now, deps.decisionConfig);
  await deps.store.save(priors);
  return { priors, ...summary };
}
