import { ENV } from '../definitions/tables.js';
import { PREFERENCE_CENTRE_PATH } from '../definitions/paths.js';
import { DEFAULT_BUNDLE_PATH } from '../template-compiler/paths.js';
import type { TableNames } from './provision.js';

/** The account id emulators answer for. */
const LOCAL_ACCOUNT = '000000000000';

export interface HandlerEnvInput {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { dynamodb: string; sqs: string; sesv2: string; providerSandbox: string };
  tables: TableNames;
  pushApplicationId: string;
  unsubscribeBaseUrl: string;
  /** Where `{{ preferences_url }}` links point; default: the preference centre beside the unsubscribe URL. */
  preferencesBaseUrl?: string;
  /**
   * The Secrets Manager stand-in holding the link signing keys (secrets-manager-local.ts). Without
   * it nothing is signed or accepted, as in a deployment without a secret: marketing email fails.
   */
  linkSecret?: { endpoint: string; secretId: string };
  /** Handler log level (Powertools: DEBUG, INFO, WARN, ERROR). */
  logLevel?: string;
  /** The requests queue the run created: where delayed wakes, and the ones engagement brings forward, are sent. */
  requestsQueue: { url: string; arn: string };
}

/**
 * The environment the deployed stack gives the Lambdas, with every SDK endpoint pointed at a
 * local emulator through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` settings. The handlers read
 * it at import, so it must be in place before they are imported.
 */
export function handlerEnvironment(input: HandlerEnvInput): Record<string, string> {
  return {
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: input.endpoints.sqs,
    AWS_ENDPOINT_URL_SESV2: input.endpoints.sesv2,
    AWS_ENDPOINT_URL_PINPOINT: input.endpoints.providerSandbox,
    AWS_ENDPOINT_URL_SNS: input.endpoints.providerSandbox,
    // The provider sandbox takes the schedules the deployed composition would make; none leaves the machine.
    AWS_ENDPOINT_URL_SCHEDULER: input.endpoints.providerSandbox,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Metrics reach CloudWatch as log lines; locally they are noise.
    POWERTOOLS_METRICS_DISABLED: 'true',
    // Dev mode writes through the global console, which local mode sends to a log file.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_LOG_LEVEL: input.logLevel ?? 'INFO',
    [ENV.customersTable]: input.tables.customers,
    [ENV.deliveriesTable]: input.tables.deliveries,
    [ENV.inboxTable]: input.tables.inbox,
    [ENV.countersTable]: input.tables.counters,
    [ENV.sesConfigurationSet]: 'switchboard-local',
    [ENV.sesFromAddress]: 'Fernhill <hello@fernhill.example>',
    [ENV.brandName]: 'Fernhill',
    [ENV.unsubscribeBaseUrl]: input.unsubscribeBaseUrl,
    [ENV.preferencesBaseUrl]: input.preferencesBaseUrl ?? new URL(PREFERENCE_CENTRE_PATH, input.unsubscribeBaseUrl).toString(),
    ...(input.linkSecret ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: input.linkSecret.endpoint, [ENV.linkSigningSecretId]: input.linkSecret.secretId } : {}),
    [ENV.templateBundlePath]: DEFAULT_BUNDLE_PATH,
    [ENV.pinpointApplicationId]: input.pushApplicationId,
    // Wakes due soon are delayed messages on the run's own queue; later ones go to the provider
    // sandbox's schedules, under a group, role and dead-letter queue that exist nowhere.
    [ENV.requestsQueueUrl]: input.requestsQueue.url,
    [ENV.requestsQueueArn]: input.requestsQueue.arn,
    [ENV.wakeScheduleGroup]: 'switchboard-local-wakes',
    [ENV.wakeSchedulerRoleArn]: `arn:aws:iam::${LOCAL_ACCOUNT}:role/switchboard-local-wakes`,
    [ENV.wakeDeadLetterQueueArn]: `arn:aws:sqs:${input.region}:${LOCAL_ACCOUNT}:switchboard-local-wake-dlq`,
  };
}

/** Sets the variables, dropping an AWS profile so no real credentials are ever picked up. */
export function applyEnvironment(env: Record<string, string>): void {
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, env);
}
