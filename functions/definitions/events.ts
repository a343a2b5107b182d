/**
 * The delivery status events, as the stack and the code share them: the `source` every event
 * carries (the publisher's role may put no other), and how the deliveries table's stream is read,
 * by Lambda in AWS and by local mode's poller alike. Plain data on purpose: no SDK and no CDK import.
 */
export const EVENT_SOURCE = 'switchboard';

/** The name PutEvents takes for the account's default bus. */
export const DEFAULT_EVENT_BUS = 'default';

export interface StatusStreamDefinition {
  /** Stream records per invocation. */
  batchSize: number;
  /** How long Lambda gathers records before it invokes; short, so events stay close to the change. */
  maxBatchingWindowSeconds: number;
  /** Retries of a failing batch (halved on each function error) before it goes to the dead-letter queue. */
  retryAttempts: number;
  deadLetterRetentionDays: number;
}

export const statusStream: StatusStreamDefinition = {
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
  retryAttempts: 5,
  deadLetterRetentionDays: 14,
};
