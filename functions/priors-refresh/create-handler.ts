import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type RefreshDeps, refreshPriors } from '../core/learning/refresh.js';

export interface PriorsRefreshSummary {
  learnedAt: string;
  observations: number;
  read: number;
  complete: boolean;
}

/**
 * The scheduled refresh over the given ports: learns the priors from the recent delivery records
 * and stores them. A failure throws, so Lambda retries it; until a refresh succeeds, the
 * orchestrator keeps deciding with the priors stored before.
 */
export function createPriorsRefreshHandler(deps: RefreshDeps, logger: Logger) {
  async function refresh(): Promise<PriorsRefreshSummary> {
    const { priors, read, complete } = await refreshPriors(deps);
    const summary = { learnedAt: priors.learnedAt, observations: priors.observations, read, complete };
    logger.info('learned priors stored', { ...summary, channels: Object.keys(priors.channels) });
    return summary;
  }
  return middy(refresh).use(injectLambdaContext(logger));
}
