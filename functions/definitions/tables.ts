/**
 * Tables and queues, described once. The CDK stack, local mode and the integration tests all
 * build from these descriptions, so key names and indexes cannot drift between them.
 * Plain data on purpose: no SDK and no CDK import here.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}
export interface TableDefinition {
  /** Logical name; the deployed or local physical name is `<prefix><logicalName>`. */
  logicalName: 'customers' | 'deliveries' | 'inbox' | 'counters';
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  timeToLiveAttribute?: string;
  /** A DynamoDB stream of every change, with the item before and after it. */
  stream?: 'NEW_AND_OLD_IMAGES';
  globalSecondaryIndexes?: { indexName: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute; projection: 'KEYS_ONLY' | 'ALL' }[];
}

export const customersTable: TableDefinition = {
  logicalName: 'customers',
  partitionKey: { name: 'customerId', type: 'S' },
};

export const DELIVERIES_BY_CUSTOMER_INDEX = 'byCustomer';
export const deliveriesTable: TableDefinition = {
  logicalName: 'deliveries',
  partitionKey: { name: 'requestId', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
  // Every status change is announced from the stream, as it is stored (docs/events.md).
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    {
      indexName: DELIVERIES_BY_CUSTOMER_INDEX,
      partitionKey: { name: 'customerId', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      // Keys only: a full copy would double every record's write units and storage for a view
      // customer service reads a page at a time; the page fetches its records by key instead.
      projection: 'KEYS_ONLY',
    },
  ],
};

/** One item per in-app message; `sk` is `<createdAt>#<requestId>` so a query reads newest first. */
export const inboxTable: TableDefinition = {
  logicalName: 'inbox',
  partitionKey: { name: 'customerId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * Frequency counters: one item per customer × channel × category × ISO week. Beside them, one
 * item under `LEARNED_PRIORS_KEY` holds the learned priors (docs/architecture.md, "The priors refresher").
 */
export const countersTable: TableDefinition = {
  logicalName: 'counters',
  partitionKey: { name: 'counterKey', type: 'S' },
  timeToLiveAttribute: 'expiresAtEpoch',
};

/**
 * The counters table's key of the learned priors. A frequency counter's key always joins its
 * parts with `#`, so a key without one can never be a counter's.
 */
export const LEARNED_PRIORS_KEY = 'learned-priors';

export const TABLES = [customersTable, deliveriesTable, inboxTable, countersTable] as const;

export interface QueueDefinition {
  logicalName: 'requests';
  /** Seconds; at least 6× the orchestrator timeout (Lambda ← SQS guidance). */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  deadLetterRetentionDays: number;
}

export const ORCHESTRATOR_TIMEOUT_SECONDS = 30;
export const requestsQueue: QueueDefinition = {
  logicalName: 'requests',
  visibilityTimeoutSeconds: 6 * ORCHESTRATOR_TIMEOUT_SECONDS,
  maxReceiveCount: 5,
  deadLetterRetentionDays: 14,
};

/**
 * How long the orchestrator's claim on a request holds: halfway between the
 * function timeout and the queue's visibility timeout. Longer than the timeout, so no redelivery
 * overtakes an invocation still running; shorter than the visibility timeout, so the redelivery
 * of a message whose invocation timed out finds the claim expired rather than spending a receive.
 */
export function claimLeaseMs(functionTimeoutMs: number, visibilityTimeoutMs: number): number {
  if (visibilityTimeoutMs <= functionTimeoutMs) {
    throw new Error(`the visibility timeout (${visibilityTimeoutMs} ms) must be longer than the function timeout (${functionTimeoutMs} ms)`);
  }
  return functionTimeoutMs + (visibilityTimeoutMs - functionTimeoutMs) / 2;
}

/** The deployed orchestrator's claim lease on the requests queue's messages. */
export const ORCHESTRATOR_LEASE_MS = claimLeaseMs(ORCHESTRATOR_TIMEOUT_SECONDS * 1000, requestsQueue.visibilityTimeoutSeconds * 1000);

/** Environment variable names shared by the stack (which sets them) and handlers (which read them). */
export const ENV = {
  customersTable: 'CUSTOMERS_TABLE',
  deliveriesTable: 'DELIVERIES_TABLE',
  inboxTable: 'INBOX_TABLE',
  countersTable: 'COUNTERS_TABLE',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  sesFromAddress: 'SES_FROM_ADDRESS',
  unsubscribeBaseUrl: 'UNSUBSCRIBE_BASE_URL',
  /** The preference centre page (`<customer API>/preference-centre`) that `{{ preferences_url }}` links to. */
  preferencesBaseUrl: 'PREFERENCES_BASE_URL',
  /**
   * Name or ARN of the Secrets Manager secret whose keys sign and check the links in messages
   * (unsubscribe, preferences). Only the name: the keys are read at run time, never put here.
   */
  linkSigningSecretId: 'LINK_SIGNING_SECRET_ID',
  templateBundlePath: 'TEMPLATE_BUNDLE_PATH',
  pinpointApplicationId: 'PINPOINT_APPLICATION_ID',
  smsSenderId: 'SMS_SENDER_ID',
  smsOriginationNumber: 'SMS_ORIGINATION_NUMBER',
  deliveryRetentionDays: 'DELIVERY_RETENTION_DAYS',
  inboxRetentionDays: 'INBOX_RETENTION_DAYS',
  appDeepLinkScheme: 'APP_DEEP_LINK_SCHEME',
  /** The name customers know the sender by, shown on the preference centre. */
  brandName: 'BRAND_NAME',
  /** The requests queue, by URL (a wake sent with a delay) and by ARN (a schedule's target). */
  requestsQueueUrl: 'REQUESTS_QUEUE_URL',
  requestsQueueArn: 'REQUESTS_QUEUE_ARN',
  /** The EventBridge Scheduler group that holds the one-time schedules of wakes. */
  wakeScheduleGroup: 'WAKE_SCHEDULE_GROUP',
  /** The role a wake's schedule runs as: it may send to the requests queue and the dead-letter queue below. */
  wakeSchedulerRoleArn: 'WAKE_SCHEDULER_ROLE_ARN',
  /** Where a schedule puts a wake it could not deliver to the requests queue. */
  wakeDeadLetterQueueArn: 'WAKE_DEAD_LETTER_QUEUE_ARN',
  /** The EventBridge bus delivery status events are put on, by name (`default` for the account's default bus). */
  eventBusName: 'EVENT_BUS_NAME',
} as const;
