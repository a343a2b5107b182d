/**
 * Metric names the handlers publish and the stack's alarms watch, described once so the two
 * cannot drift. Plain data on purpose: no SDK and no CDK import here.
 */
export const METRICS_NAMESPACE = 'Switchboard';

/** The `service` dimension of everything the orchestrator publishes. */
export const ORCHESTRATOR_SERVICE_NAME = 'switchboard-orchestrator';

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
