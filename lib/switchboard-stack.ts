import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { SERVICE_NAMES, type ServiceKey } from '../functions/definitions/metrics.js';
import { DELIVERIES_BY_CUSTOMER_INDEX, requestsQueue } from '../functions/definitions/tables.js';
import { CustomerApi } from './constructs/customer-api.js';
import { DeadLetterQueue } from './constructs/dead-letter-queue.js';
import { EmailChannel } from './constructs/email-channel.js';
import { HandlerFunction } from './constructs/handler-function.js';
import { IngestFunction } from './constructs/ingest-function.js';
import { LinkSigningSecret } from './constructs/link-signing-secret.js';
import { Monitoring } from './constructs/monitoring.js';
import { Orchestrator } from './constructs/orchestrator.js';
import { PreferenceCentre } from './constructs/preference-centre.js';
import { PriorsRefresh } from './constructs/priors-refresh.js';
import { ProfileApiFunction } from './constructs/profile-api.js';
import { PushChannel } from './constructs/push-channel.js';
import { RequestsQueue } from './constructs/requests-queue.js';
import { ServiceApi } from './constructs/service-api.js';
import { SmsChannel } from './constructs/sms-channel.js';
import { StatusEvents } from './constructs/status-events.js';
import { SwitchboardTables } from './constructs/tables.js';
import { WakeSchedules } from './constructs/wake-schedules.js';
import { ORCHESTRATOR_TABLE_ACCESS } from './orchestrator-access.js';
import type { Settings } from './settings.js';

/** The Lambda entry points, relative to the repository root; each exports `handler`. */
export const HANDLER_ENTRIES = {
  orchestrator: 'functions/orchestrator/handler.ts',
  feedback: 'functions/feedback/handler.ts',
  inboxApi: 'functions/inbox-api/handler.ts',
  historyApi: 'functions/history-api/handler.ts',
  profileApi: 'functions/profile-api/handler.ts',
  ingest: 'functions/ingest/handler.ts',
  unsubscribe: 'functions/unsubscribe/handler.ts',
  preferences: 'functions/preferences/handler.ts',
  eventPublisher: 'functions/event-publisher/handler.ts',
  priorsRefresh: 'functions/priors-refresh/handler.ts',
  /** The account stack's, not a stage's. */
  smsStatusFanOut: 'functions/sms-status-fanout/handler.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Every handler's absolute entry path in the checkout at `root`. */
export function handlerEntries(root: string): Record<HandlerName, string> {
  return Object.fromEntries(Object.entries(HANDLER_ENTRIES).map(([name, entry]) => [name, join(root, entry)])) as Record<HandlerName, string>;
}

export interface SwitchboardStackProps extends StackProps {
  settings: Settings;
  /** The absolute entry path of every handler. */
  entries: Record<HandlerName, string>;
  /** Absolute path of the compiled templates bundle. */
  templateBundle: string;
}

/** Wiring only: every resource comes from a construct, every decision from the handlers. */
export class SwitchboardStack extends Stack {
  constructor(scope: Construct, id: string, props: SwitchboardStackProps) {
    super(scope, id, props);
    const { settings, entries } = props;
    const dev = settings.stage === 'dev';
    const removalPolicy = dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logs = { logRetentionDays: settings.logRetentionDays, removalPolicy };

    const tables = new SwitchboardTables(this, 'Tables', { namePrefix: `switchboard-${settings.stage}-`, protect: !dev });
    const requests = new RequestsQueue(this, 'Requests', { definition: requestsQueue, removalPolicy });
    const wakes = new WakeSchedules(this, 'WakeSchedules', {
      groupName: `switchboard-${settings.stage}-wakes`,
      queue: requests.queue,
      deadLetterRetentionDays: requestsQueue.deadLetterRetentionDays,
      removalPolicy,
    });
    const serviceApi = new ServiceApi(this, 'ServiceApi', {
      apiName: `switchboard-${settings.stage}-service`,
      stageName: settings.stage,
      throttle: { rateLimit: settings.serviceApiRateLimit, burstLimit: settings.serviceApiBurstLimit },
      ...logs,
    });
    const customerApi = new CustomerApi(this, 'CustomerApi', {
      apiName: `switchboard-${settings.stage}-customer`,
      jwtIssuer: settings.jwtIssuer,
      jwtAudience: settings.jwtAudience,
      throttle: { rateLimit: settings.customerApiRateLimit, burstLimit: settings.customerApiBurstLimit },
      allowedOrigins: settings.customerApiAllowedOrigins,
      ...logs,
    });
    const email = new EmailChannel(this, 'Email', {
      senderIdentity: settings.senderIdentity,
      fromAddress: settings.fromAddress,
      configurationSetName: settings.sesConfigurationSetName,
    });
    const sms = new SmsChannel(this, 'Sms', {
      ...(settings.smsSenderId ? { senderId: settings.smsSenderId } : {}),
      ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
    });
    // A new construct id would replace the secret and void every link signed with it, so the id stays.
    const linkSecret = new LinkSigningSecret(this, 'UnsubscribeSecret', { removalPolicy });
    const push = settings.pinpointApplicationId ? new PushChannel(this, 'Push', { applicationId: settings.pinpointApplicationId }) : undefined;

    const handler = (name: HandlerName, id: string, service: ServiceKey, memorySize = 512, timeout = Duration.seconds(10)) =>
      new HandlerFunction(this, id, { entry: entries[name], serviceName: SERVICE_NAMES[service], memorySize, timeout, ...logs }).fn;
    const functions: Record<string, lambda.IFunction> = {};

    const orchestrator = new Orchestrator(this, 'Orchestrator', {
      entry: entries.orchestrator,
      templateBundle: props.templateBundle,
      queue: requests.queue,
      batchSize: settings.batchSize,
      maxBatchingWindowSeconds: settings.maxBatchingWindowSeconds,
      maxConcurrency: settings.maxConcurrency,
      memoryMb: settings.orchestratorMemoryMb,
      deliveryRetentionDays: settings.deliveryRetentionDays,
      inboxRetentionDays: settings.inboxRetentionDays,
      appDeepLinkScheme: settings.appDeepLinkScheme,
      ...logs,
    }).fn;
    tables.customers.bind(orchestrator, { actions: ORCHESTRATOR_TABLE_ACCESS.customers });
    tables.deliveries.bind(orchestrator, { actions: ORCHESTRATOR_TABLE_ACCESS.deliveries });
    tables.counters.bind(orchestrator, { actions: ORCHESTRATOR_TABLE_ACCESS.counters });
    tables.inbox.bind(orchestrator, { actions: ORCHESTRATOR_TABLE_ACCESS.inbox });
    email.bindSender(orchestrator);
    sms.bindSender(orchestrator);
    push?.bindSender(orchestrator);
    customerApi.bindUnsubscribeUrl(orchestrator);
    customerApi.bindPreferencesUrl(orchestrator);
    linkSecret.bind(orchestrator);
    wakes.bindScheduler(orchestrator);
    functions.Orchestrator = orchestrator;

    // Feedback arrives asynchronously (EventBridge, log subscriptions): what cannot be delivered or
    // still fails after Lambda's retries is parked here instead of being dropped.
    const feedbackDeadLetters = new DeadLetterQueue(this, 'FeedbackDeadLetters', {
      retentionDays: requestsQueue.deadLetterRetentionDays,
      removalPolicy,
      holds: 'SES and SMS status events the feedback function could not apply',
    });
    const feedback = handler('feedback', 'Feedback', 'feedback', 512, Duration.seconds(30));
    // SES complaints arrive here only.
    tables.bindFeedbackRecorder(feedback, { readsConsent: true, recordsEngagement: true });
    feedback.configureAsyncInvoke({ onFailure: feedbackDeadLetters.asFailureDestination(), retryAttempts: 2 });
    email.routeEventsTo(feedback, feedbackDeadLetters);
    sms.routeStatusTo(feedback, feedbackDeadLetters);
    // An email opened or clicked concludes an escalation at once.
    wakes.bindWakeAdvancer(feedback);
    functions.Feedback = feedback;

    const inbox = handler('inboxApi', 'InboxApi', 'inboxApi');
    tables.inbox.bind(inbox, { actions: ['Query', 'UpdateItem', 'GetItem'] });
    // Reads and clicks in the inbox are feedback too.
    tables.bindFeedbackRecorder(inbox, { recordsEngagement: true });
    // So does an in-app message read or clicked, or a push the app reports opened.
    wakes.bindWakeAdvancer(inbox);
    customerApi.addInbox(inbox);
    functions.InboxApi = inbox;

    const history = handler('historyApi', 'HistoryApi', 'historyApi');
    // The index holds keys only: a page is a Query on it, then one BatchGetItem of the records;
    // `GET /requests/{requestId}` reads one record by key.
    tables.deliveries.bind(history, { actions: ['BatchGetItem', 'GetItem'], queryIndexes: [DELIVERIES_BY_CUSTOMER_INDEX] });
    // The consent on the customer record is listed with the messages.
    tables.customers.bind(history, { actions: ['GetItem'] });
    serviceApi.addHistory(history);
    serviceApi.addRequestStatus(history);
    functions.HistoryApi = history;

    // Checks send requests as the orchestrator would before reading a table, and queues the valid ones.
    const ingest = new IngestFunction(this, 'Ingest', { entry: entries.ingest, templateBundle: props.templateBundle, queue: requests.queue, ...logs }).fn;
    serviceApi.addIngest(ingest);
    functions.Ingest = ingest;

    const profile = new ProfileApiFunction(this, 'ProfileApi', { entry: entries.profileApi, templateBundle: props.templateBundle, ...logs }).fn;
    // Read, create or replace, consent and context updates, erasure.
    tables.customers.bind(profile, { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] });
    // Erasure: the inbox by customer, the counters by key, the delivery records through the index.
    tables.inbox.bind(profile, { actions: ['Query', 'BatchWriteItem'] });
    tables.counters.bind(profile, { actions: ['BatchWriteItem'] });
    tables.deliveries.bind(profile, { actions: ['BatchGetItem', 'UpdateItem', 'BatchWriteItem'], queryIndexes: [DELIVERIES_BY_CUSTOMER_INDEX] });
    serviceApi.addProfile(profile);
    functions.ProfileApi = profile;

    const unsubscribe = handler('unsubscribe', 'Unsubscribe', 'unsubscribe');
    // An unsubscribe is recorded as feedback on the delivery that carried the link.
    tables.bindFeedbackRecorder(unsubscribe);
    linkSecret.bind(unsubscribe);
    customerApi.addUnsubscribe(unsubscribe);
    functions.Unsubscribe = unsubscribe;

    const preferences = new PreferenceCentre(this, 'Preferences', {
      entry: entries.preferences,
      templateBundle: props.templateBundle,
      brandName: settings.brandName,
      ...logs,
    }).fn;
    // The choices are read with the directory's batch read and written one consent entry at a time.
    tables.customers.bind(preferences, { actions: ['BatchGetItem', 'UpdateItem'] });
    // It checks the links the orchestrator signs.
    linkSecret.bind(preferences);
    customerApi.addPreferences(preferences);
    functions.Preferences = preferences;

    // Every status change of a delivery record, announced to upstream systems on EventBridge.
    const statusEvents = new StatusEvents(this, 'StatusEvents', {
      entry: entries.eventPublisher,
      deliveries: tables.deliveries,
      bus: settings.eventBus,
      busName: `switchboard-${settings.stage}`,
      ...logs,
    });
    functions.EventPublisher = statusEvents.fn;

    // Once an hour, the learned priors the orchestrator decides with, from the recent delivery records.
    const priorsRefresh = new PriorsRefresh(this, 'PriorsRefresh', { entry: entries.priorsRefresh, deliveries: tables.deliveries, counters: tables.counters, ...logs });
    functions.PriorsRefresh = priorsRefresh.fn;

    new Monitoring(this, 'Monitoring', {
      dashboardName: `switchboard-${settings.stage}`,
      alarmEmail: settings.alarmEmail,
      requestsQueue: requests.queue,
      deadLetterQueues: { Requests: requests.deadLetterQueue, Feedback: feedbackDeadLetters, Wakes: wakes.deadLetterQueue, StatusEvents: statusEvents.deadLetterQueue },
      wakeSchedules: wakes.group,
      functions,
      orchestrator,
      maxRequestAge: Duration.minutes(5),
      removalPolicy,
    });

    const pushState = push ? 'on' : 'off (no pinpointApplicationId)';
    if (!push) Annotations.of(this).addInfo('Push is off: set -c pinpointApplicationId=<id> to send push notifications.');
    new CfnOutput(this, 'PushChannel', { value: pushState });
    new CfnOutput(this, 'RequestsQueueUrl', { value: requests.queue.queueUrl });
    new CfnOutput(this, 'ServiceApiUrl', { value: serviceApi.api.url });
    new CfnOutput(this, 'CustomerApiUrl', { value: customerApi.api.apiEndpoint });
    new CfnOutput(this, 'CustomersTableName', { value: tables.customers.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: statusEvents.busName });
    new CfnOutput(this, 'EventBusArn', { value: statusEvents.busArn });
  }
}
