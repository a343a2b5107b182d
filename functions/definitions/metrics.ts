/**
 * Metric and service names the handlers publish under and the stack's alarms, dashboard and
 * function settings use, described once so the two cannot drift. Plain data on purpose: no SDK
 * and no CDK import here.
 */
export const METRICS_NAMESPACE = 'Switchboard';

/**
 * Each function's service name: its `POWERTOOLS_SERVICE_NAME`, the `service` field of its logs
 * and the `service` dimension of every metric it publishes.
 */
export const SERVICE_NAMES = {
  orchestrator: 'switchboard-orchestrator',
  feedback: 'switchboard-feedback',
  inboxApi: 'switchboard-inbox-api',
  historyApi: 'switchboard-history-api',
  unsubscribe: 'switchboard-unsubscribe',
  preferences: 'switchboard-preferences',
  profileApi: 'switchboard-profile-api',
  ingest: 'switchboard-ingest',
  eventPublisher: 'switchboard-event-publisher',
  priorsRefresh: 'switchboard-priors-refresh',
  /** Deployed once per account and region, by the account-level stack, not by each stage. */
  smsStatusFanout: 'switchboard-sms-status-fanout',
} as const;
export type ServiceKey = keyof typeof SERVICE_NAMES;

/** The `service` dimension of everything the orchestrator publishes. */
export const ORCHESTRATOR_SERVICE_NAME = SERVICE_NAMES.orchestrator;

/** One count per request the orchestrator finished, by outcome status (split by `channel` and `reason`). */
export const OUTCOME_METRICS = {
  SENT: 'Sent',
  SUPPRESSED: 'Suppressed',
  FAILED: 'Failed',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  DUPLICATE: 'Duplicate',
  RETRY: 'Retry',
  RENDER_FAILED: 'RenderFailed',
  DEFERRED: 'Deferred',
  /** An escalation wake that waited on or ended the escalation without sending. */
  ESCALATED: 'EscalationChecked',
} as const;

/** From a request's `createdAt` to the provider call, in milliseconds, split by `channel`. */
export const END_TO_END_LATENCY_METRIC = 'EndToEndLatency';
/** One count per provider call, split by `channel` and `outcome`. */
export const ATTEMPT_METRIC = 'Attempt';
/** Bookkeeping after a send could not be written; the send itself stands. */
export const FOLLOW_UP_FAILED_METRIC = 'FollowUpFailed';
/** A provider accepted a message that no write could record. */
export const UNRECORDED_SEND_METRIC = 'UnrecordedSend';

/** Engagement the feedback loop learnt of, by kind (split by `channel`, and `channel` + `template`). */
export const ENGAGEMENT_METRICS = {
  delivered: 'Delivered',
  opened: 'Opened',
  clicked: 'Clicked',
  bounced: 'Bounced',
  complained: 'Complained',
} as const;
/** Suppressions and opt-outs written from feedback, split by `reason`. */
export const SUPPRESSION_CHANGES_METRIC = 'SuppressionChanges';
/** Every feedback event, split by `outcome` and `channel`. */
export const FEEDBACK_EVENTS_METRIC = 'FeedbackEvents';

/**
 * Counts sends a provider refused because the function's role may not make the call: a broken
 * deployment, never a fact about the recipient, so one is enough to page.
 */
export const PROVIDER_NOT_AUTHORIZED_METRIC = 'ProviderNotAuthorized';

/** The attempt code each sender gives such a refusal; the metric counts attempts with these. */
export const NOT_AUTHORIZED_CODES = {
  email: 'EMAIL_NOT_AUTHORIZED',
  sms: 'SMS_NOT_AUTHORIZED',
  push: 'PUSH_NOT_AUTHORIZED',
} as const;

const notAuthorized = new Set<string>(Object.values(NOT_AUTHORIZED_CODES));

export function isNotAuthorizedCode(code: string): boolean {
  return notAuthorized.has(code);
}
