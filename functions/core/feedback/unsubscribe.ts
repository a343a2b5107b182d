import { isMalformedCustomer } from '../customer-record.js';
import type { UnsubscribeTarget } from '../links.js';
import type { ConsentBook } from '../model.js';
import { EVERY_TOPIC } from '../topics.js';
import { fromUnsubscribeLink } from './app.js';
import { applyFeedbackEvent, type FeedbackDeps } from './apply.js';
import type { FeedbackOutcome } from './ports.js';
import { suppressionFor } from './suppression.js';

/** What a one-click link takes the customer off, for the page that confirms it. */
export type UnsubscribeScope = { kind: 'topic'; topic: string } | { kind: 'every_marketing_topic' };

/** A link names one topic, or `"*"`, which leaves every marketing topic (see fromUnsubscribeLink). */
export function unsubscribeScope(topic: string): UnsubscribeScope {
  return topic === EVERY_TOPIC ? { kind: 'every_marketing_topic' } : { kind: 'topic', topic };
}

/**
 * A one-click unsubscribe from a link we signed. It is recorded on the message's delivery record
 * like any other feedback; when that record is gone (kept 400 days, links live longer in old
 * mail), the opt-out is still written: the customer's wish does not expire with our records.
 */
export async function unsubscribeByLink(claims: UnsubscribeTarget, deps: FeedbackDeps): Promise<FeedbackOutcome> {
  const event = fromUnsubscribeLink({ ...claims, at: deps.clock.now() });
  const outcome = await applyFeedbackEvent(event, deps);
  if (outcome.outcome !== 'unmatched') return outcome;
  // Leaving every marketing topic means opting out of each one the customer opted in to.
  const consent = event.unsubscribe?.all ? await consentOf(claims.customerId, deps) : undefined;
  const plan = suppressionFor(event, { category: 'marketing', topic: claims.topic }, consent);
  if (plan) {
    await deps.suppressions.apply(claims.customerId, plan);
    deps.telemetry.record({ kind: 'suppression', reason: plan.reason });
  }
  return outcome;
}

async function consentOf(customerId: string, deps: FeedbackDeps): Promise<ConsentBook | undefined> {
  const customer = (await deps.customers.getMany([customerId])).get(customerId);
  return customer && !isMalformedCustomer(customer) ? customer.consent : undefined;
}
