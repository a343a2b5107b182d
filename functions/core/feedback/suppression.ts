import type { Category, ConsentBook, ConsentEntry } from '../model.js';
import type { FeedbackEvent } from './event.js';

/** Low-cardinality reason, for metrics and logs. */
export type SuppressionReason = 'hard_bounce' | 'complaint' | 'unsubscribe' | 'sms_opt_out';

export type SuppressionChange =
  /** The address stops being reachable for every category: `email.status = suppressed`. */
  | { kind: 'suppress_address'; channel: 'email'; reason: 'bounced' }
  /** STOP: number suppressed and `consent.sms["*"]` opted out, exactly as the orchestrator records it. */
  | { kind: 'sms_opt_out' }
  /**
   * `consent.email[topic] = opt_out` for each topic; with `withdrawEveryTopicOptIn`, an
   * `"*": opt_in` entry is removed as well, so no marketing topic stays allowed through it.
   */
  | { kind: 'opt_out_topics'; channel: 'email'; topics: string[]; withdrawEveryTopicOptIn: boolean };

export interface SuppressionPlan {
  reason: SuppressionReason;
  /** Written as the `source` of every consent entry the plan sets. */
  source: string;
  /** Written as `updatedAt`: the time of the event, so applying the plan twice writes the same thing. */
  at: string;
  changes: SuppressionChange[];
}

export interface SuppressedMessage {
  category?: Category;
  topic?: string;
}

const EVERY_TOPIC = '*';

/**
 * What the customer's record must say after this event. Consent rules (functions/core/consent.ts)
 * decide what the changes mean:
 *
 * - Permanent bounce: the address is dead for every message, so it is suppressed (`bounced`).
 * - Complaint: no more marketing email, while order updates still arrive. A `"*": opt_out` would
 *   block transactional mail too (consent rule 1), so instead every topic the customer had opted
 *   in to is opted out, the complained message's topic too when it was marketing, and an
 *   `"*": opt_in` is withdrawn. Marketing then lacks an opt-in for any topic (rule 3) until the
 *   customer opts in again; transactional needs none (rule 4). The address stays active.
 * - Unsubscribe (SES subscription event or our one-click link): opt-out of the named topics;
 *   "unsubscribe from all" is treated like a complaint (all marketing), never as a channel-wide
 *   opt-out: unsubscribing from a mailing is not a request to stop receipts.
 * - SMS refused as opted out: STOP, recorded the way the orchestrator records it.
 */
export function suppressionFor(event: FeedbackEvent, message: SuppressedMessage, consent: ConsentBook | undefined): SuppressionPlan | undefined {
  const plan = (reason: SuppressionReason, source: string, changes: SuppressionChange[]): SuppressionPlan | undefined =>
    changes.length > 0 ? { reason, source, at: event.at, changes } : undefined;

  if (event.channel === 'email' && event.kind === 'bounced' && event.bounceType === 'Permanent') {
    return plan('hard_bounce', 'ses_bounce', [{ kind: 'suppress_address', channel: 'email', reason: 'bounced' }]);
  }
  if (event.channel === 'email' && event.kind === 'complained') {
    const own = message.category === 'marketing' && message.topic ? [message.topic] : [];
    return plan('complaint', 'complaint', [allMarketing(consent, own, { source: 'complaint', at: event.at })].filter(hasEffect));
  }
  if (event.channel === 'email' && event.kind === 'unsubscribed') {
    const named = event.unsubscribe?.topics.length ? event.unsubscribe.topics : message.topic ? [message.topic] : [];
    const topics = named.filter((topic) => topic !== EVERY_TOPIC);
    const source = event.source === 'unsubscribe_link' ? 'one_click_unsubscribe' : 'ses_subscription';
    const change: SuppressionChange = event.unsubscribe?.all
      ? allMarketing(consent, topics, { source, at: event.at })
      : { kind: 'opt_out_topics', channel: 'email', topics: unique(topics), withdrawEveryTopicOptIn: false };
    return plan('unsubscribe', source, [change].filter(hasEffect));
  }
  if (event.channel === 'sms' && event.kind === 'failed' && event.optedOut) {
    return plan('sms_opt_out', 'sms_opt_out', [{ kind: 'sms_opt_out' }]);
  }
  return undefined;
}

/**
 * Every topic the customer opted in to, plus `extra`, and the `"*"` opt-in withdrawn. An opt-out
 * this very event wrote (its source and time) still belongs to the plan: a copy of the event
 * that lost a race to another copy then plans, and reports, the same suppression.
 */
function allMarketing(consent: ConsentBook | undefined, extra: string[], stamp: { source: string; at: string }): SuppressionChange {
  const entries = consent?.email ?? {};
  const optedIn = Object.entries(entries)
    .filter(([topic, entry]) => topic !== EVERY_TOPIC && valueOf(entry) === 'opt_in')
    .map(([topic]) => topic);
  const byThisEvent = (entry: ConsentEntry | undefined) => typeof entry === 'object' && entry.source === stamp.source && entry.updatedAt === stamp.at;
  const alreadyOut = new Set(Object.keys(entries).filter((topic) => valueOf(entries[topic]) === 'opt_out' && !byThisEvent(entries[topic])));
  return {
    kind: 'opt_out_topics',
    channel: 'email',
    // An existing opt-out keeps its own date and source.
    topics: unique([...optedIn, ...extra]).filter((topic) => !alreadyOut.has(topic)),
    withdrawEveryTopicOptIn: valueOf(entries[EVERY_TOPIC]) === 'opt_in',
  };
}

function hasEffect(change: SuppressionChange): boolean {
  return change.kind !== 'opt_out_topics' || change.topics.length > 0 || change.withdrawEveryTopicOptIn;
}

function valueOf(entry: ConsentEntry | undefined): string | undefined {
  return typeof entry === 'string' ? entry : entry?.value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
