import { fromUnsubscribeLink } from './app.js';
import { applyFeedbackEvent, type FeedbackDeps } from './apply.js';
import type { FeedbackOutcome } from './ports.js';
import { suppressionFor } from './suppression.js';

export interface UnsubscribeClaims {
  requestId: string;
  customerId: string;
  topic: string;
}

/**
 * A one-click unsubscribe from a link we signed. It is recorded on the message's delivery record
 * like any other feedback; when that record is gone (kept 400 days, links live longer in old
 * mail), the opt-out is still written: the customer's wish does not expire with our records.
 */
export async function unsubscribeByLink(claims: UnsubscribeClaims, deps: FeedbackDeps): Promise<FeedbackOutcome> {
  const event = fromUnsubscribeLink({ ...claims, at: deps.clock.now() });
  const outcome = await applyFeedbackEvent(event, deps);
  if (outcome.outcome !== 'unmatched') return outcome;
  const plan = suppressionFor(event, { category: 'marketing', topic: claims.topic }, undefined);
  if (plan) {
    await deps.suppressions.apply(claims.customerId, plan);
    deps.telemetry.record({ kind: 'suppression', reason: plan.reason });
  }
  return outcome;
}
