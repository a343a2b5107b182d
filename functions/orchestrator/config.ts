import * as z from 'zod';
import { optionalSetting as optional, readEnvironment, requiredSetting as required } from '../composition/environment.js';
import { ENV } from '../definitions/tables.js';

const days = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const arn = (service: string, what: string) => required(what).regex(new RegExp(`^arn:[\\w-]+:${service}:`), `must be the ARN of the ${what}`);

const schema = z.object({
  [ENV.customersTable]: required('customers table name'),
  [ENV.deliveriesTable]: required('deliveries table name'),
  [ENV.inboxTable]: required('inbox table name'),
  [ENV.countersTable]: required('counters table name'),
  [ENV.sesConfigurationSet]: required('SES configuration set that reports delivery events'),
  [ENV.sesFromAddress]: required('verified sender address'),
  [ENV.unsubscribeBaseUrl]: z.url({ error: 'must be the https URL of the one-click unsubscribe endpoint' }),
  [ENV.preferencesBaseUrl]: z.url({ error: 'must be the https URL of the preference centre page' }),
  [ENV.linkSigningSecretId]: optional,
  [ENV.pinpointApplicationId]: optional,
  [ENV.smsSenderId]: optional,
  [ENV.smsOriginationNumber]: optional,
  [ENV.deliveryRetentionDays]: days(400),
  [ENV.inboxRetentionDays]: days(90),
  [ENV.appDeepLinkScheme]: optional,
  [ENV.templateBundlePath]: required('path of the compiled templates bundle'),
  [ENV.requestsQueueUrl]: z.url({ error: 'must be the URL of the requests queue, where wakes due within 15 minutes are sent' }),
  [ENV.requestsQueueArn]: arn('sqs', 'requests queue, where wake schedules send'),
  [ENV.wakeScheduleGroup]: required('EventBridge Scheduler group of the wake schedules'),
  [ENV.wakeSchedulerRoleArn]: arn('iam', 'role wake schedules run as'),
  [ENV.wakeDeadLetterQueueArn]: arn('sqs', 'dead-letter queue of wake schedules'),
});

export interface OrchestratorConfig {
  tables: { customers: string; deliveries: string; inbox: string; counters: string };
  email: { configurationSet: string; fromAddress: string };
  /**
   * The links messages carry. Without a secret nothing is signed: a message that shows a link,
   * and every marketing email (its List-Unsubscribe header), fails on that channel.
   */
  links: { unsubscribeBaseUrl: string; preferencesBaseUrl: string; secretId?: string };
  /** Absent when the deployment has no Pinpoint application: push is then off. */
  pushApplicationId?: string;
  sms: { senderId?: string; originationNumber?: string };
  retentionDays: { deliveries: number; inbox: number };
  appDeepLinkScheme?: string;
  templateBundlePath: string;
  /** Where deferred requests and escalation steps are woken: a delayed queue message, or a one-time schedule. */
  wakes: WakeSettings;
}

export interface WakeSettings {
  queueUrl: string;
  queueArn: string;
  scheduleGroup: string;
  roleArn: string;
  deadLetterQueueArn: string;
}

/** Reads the environment once at cold start; a bad deployment fails loudly, naming every key. */
export function readOrchestratorConfig(env: Record<string, string | undefined>): OrchestratorConfig {
  const v = readEnvironment(schema, env);
  return {
    tables: { customers: v[ENV.customersTable], deliveries: v[ENV.deliveriesTable], inbox: v[ENV.inboxTable], counters: v[ENV.countersTable] },
    email: { configurationSet: v[ENV.sesConfigurationSet], fromAddress: v[ENV.sesFromAddress] },
    links: {
      unsubscribeBaseUrl: v[ENV.unsubscribeBaseUrl],
      preferencesBaseUrl: v[ENV.preferencesBaseUrl],
      ...(v[ENV.linkSigningSecretId] ? { secretId: v[ENV.linkSigningSecretId] } : {}),
    },
    ...(v[ENV.pinpointApplicationId] ? { pushApplicationId: v[ENV.pinpointApplicationId] } : {}),
    sms: {
      ...(v[ENV.smsSenderId] ? { senderId: v[ENV.smsSenderId] } : {}),
      ...(v[ENV.smsOriginationNumber] ? { originationNumber: v[ENV.smsOriginationNumber] } : {}),
    },
    retentionDays: { deliveries: v[ENV.deliveryRetentionDays], inbox: v[ENV.inboxRetentionDays] },
    ...(v[ENV.appDeepLinkScheme] ? { appDeepLinkScheme: v[ENV.appDeepLinkScheme] } : {}),
    templateBundlePath: v[ENV.templateBundlePath],
    wakes: {
      queueUrl: v[ENV.requestsQueueUrl],
      queueArn: v[ENV.requestsQueueArn],
      scheduleGroup: v[ENV.wakeScheduleGroup],
      roleArn: v[ENV.wakeSchedulerRoleArn],
      deadLetterQueueArn: v[ENV.wakeDeadLetterQueueArn],
    },
  };
}
