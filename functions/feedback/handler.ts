import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { applyFeedbackBatch } from '../core/feedback/apply.js';
import type { FeedbackEvent } from '../core/feedback/event.js';
import type { FeedbackOutcome } from '../core/feedback/ports.js';
import { composeFeedback } from '../composition/feedback.js';
import { SERVICE_NAMES } from '../definitions/metrics.js';
import { readFeedbackConfig } from './config.js';
import { normalizeFeedbackInput } from './normalize.js';

export const SERVICE_NAME = SERVICE_NAMES.feedback;

// Cold start: configuration validated and clients built once, reused by every invocation.
const { deps, logger } = composeFeedback(readFeedbackConfig(process.env), SERVICE_NAME);

export type FeedbackSummary = Record<FeedbackOutcome['outcome'] | 'ignored', number>;

/**
 * Three sources: SES events from an EventBridge rule (one per invocation); SNS SMS delivery
 * statuses from a rule on the default bus, one per invocation, put there by the account's fan-out
 * for every stage alike (so a stage also receives the statuses of other stages' texts, which it
 * counts as unmatched); and, for stages deployed before the fan-out, SNS SMS status logs straight
 * from a CloudWatch Logs subscription filter (a batch). All are invoked asynchronously: an error
 * makes Lambda retry the whole invocation, which de-duplication makes safe, and what is not ours
 * or not understood is counted and dropped, never retried.
 */
async function feedback(event: unknown): Promise<FeedbackSummary> {
  const results = normalizeFeedbackInput(event);
  const events: FeedbackEvent[] = [];
  const summary: FeedbackSummary = { applied: 0, duplicate: 0, unmatched: 0, mismatch: 0, ignored: 0 };
  for (const result of results) {
    if (result.ok) events.push(result.event);
    else {
      summary.ignored++;
      logger.info('feedback event ignored', { reason: result.reason, path: result.path });
    }
  }
  const outcomes = await applyFeedbackBatch(events, deps);
  outcomes.forEach((outcome, i) => {
    summary[outcome.outcome]++;
    if (outcome.outcome === 'unmatched' || outcome.outcome === 'mismatch') {
      logger.warn('feedback event not applied', { outcome: outcome.outcome, reason: outcome.reason, eventId: events[i]?.eventId });
    }
  });
  logger.debug('feedback applied', { ...summary });
  return summary;
}

export const handler = middy(feedback).use(injectLambdaContext(logger));
