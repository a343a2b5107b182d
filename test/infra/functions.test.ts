import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsOf } from './iam.js';
import { synthesize, type Synthesized, TEMPLATE_BUNDLE } from './synth.js';

const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
let base: Synthesized;
let channels: Synthesized;
beforeAll(() => {
  base = synthesize();
  channels = synthesize({
    pinpointApplicationId: PINPOINT_APP,
    smsSenderId: 'Shop',
    smsOriginationNumber: '+15555550100',
    batchSize: 500,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 40,
    orchestratorMemoryMb: 3008,
  });
});
afterAll(() => {
  base.cleanup();
  channels.cleanup();
});

function functionNamed(template: Template, service: string) {
  const found = Object.entries(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) } },
    }),
  );
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] ?? ['', { Properties: {} }];
  return { id, props: resource.Properties, env: resource.Properties.Environment?.Variables as Record<string, unknown> };
}

describe('every handler function', () => {
  it('runs Node.js 22 on arm64 with active tracing, source maps and its own retained log group', () => {
    for (const service of ['orchestrator', 'feedback', 'inbox-api', 'history-api', 'unsubscribe', 'preferences', 'profile-api', 'ingest', 'priors-refresh']) {
      const { props, env } = functionNamed(base.template, `switchboard-${service}`);
      expect(props).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(env).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'Switchboard' });
      const logGroupId = props.LoggingConfig.LogGroup.Ref as string;
      expect(base.template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
    }
  });
});

describe('orchestrator', () => {
  it('consumes the requests queue with partial batch failures and the configured batching', () => {
    const { id } = functionNamed(base.template, 'switchboard-orchestrator');
    base.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RequestsQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    expect(functionNamed(base.template, 'switchboard-orchestrator').props.MemorySize).toBe(1769);
    expect(functionNamed(channels.template, 'switchboard-orchestrator').props.MemorySize).toBe(3008);
    channels.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  it('ships a minified ESM bundle with its source map and the compiled templates', () => {
    const { props } = functionNamed(base.template, 'switchboard-orchestrator');
    const hash = (props.Code.S3Key as string).replace(/\.zip$/, '');
    const asset = join(base.outdir, `asset.${hash}`);
    expect(readdirSync(asset).sort()).toEqual(['index.mjs', 'index.mjs.map', 'templates.bundle.json']);
    expect(readFileSync(join(asset, 'templates.bundle.json'), 'utf8')).toBe(readFileSync(TEMPLATE_BUNDLE, 'utf8'));
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).toMatch(/^import \{ createRequire as \w+ \} from 'node:module';/);
    expect(props.Handler).toBe('index.handler');
  });

  it('is told every table, sender and setting it reads', () => {
    const { env } = functionNamed(base.template, 'switchboard-orchestrator');
    expect(Object.keys(env).sort()).toEqual(
      [
        'APP_DEEP_LINK_SCHEME',
        'COUNTERS_TABLE',
        'CUSTOMERS_TABLE',
        'DELIVERIES_TABLE',
        'DELIVERY_RETENTION_DAYS',
        'INBOX_RETENTION_DAYS',
        'INBOX_TABLE',
        'NODE_OPTIONS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'SES_CONFIGURATION_SET',
        'SES_FROM_ADDRESS',
        'TEMPLATE_BUNDLE_PATH',
        'UNSUBSCRIBE_BASE_URL',
        'PREFERENCES_BASE_URL',
        'LINK_SIGNING_SECRET_ID',
        'REQUESTS_QUEUE_URL',
        'REQUESTS_QUEUE_ARN',
        'WAKE_SCHEDULE_GROUP',
        'WAKE_SCHEDULER_ROLE_ARN',
        'WAKE_DEAD_LETTER_QUEUE_ARN',
      ].sort(),
    );
    expect(env).toMatchObject({
      CUSTOMERS_TABLE: { Ref: expect.stringMatching(/^TablesCustomers/) },
      DELIVERIES_TABLE: { Ref: expect.stringMatching(/^TablesDeliveries/) },
      INBOX_TABLE: { Ref: expect.stringMatching(/^TablesInbox/) },
      COUNTERS_TABLE: { Ref: expect.stringMatching(/^TablesCounters/) },
      SES_CONFIGURATION_SET: { Ref: configurationSetId(base.template) },
      SES_FROM_ADDRESS: 'notifications@example.com',
      TEMPLATE_BUNDLE_PATH: '/var/task/templates.bundle.json',
      DELIVERY_RETENTION_DAYS: '400',
      INBOX_RETENTION_DAYS: '90',
      APP_DEEP_LINK_SCHEME: 'switchboard',
      // The secret's ARN only: the keys are read at run time, never resolved into the environment.
      LINK_SIGNING_SECRET_ID: { Ref: secretId(base.template) },
      UNSUBSCRIBE_BASE_URL: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^CustomerApi/), 'ApiEndpoint'] }, '/unsubscribe']] },
      PREFERENCES_BASE_URL: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^CustomerApi/), 'ApiEndpoint'] }, '/preference-centre']] },
      // Wakes: delayed messages to the requests queue, and schedules in the stage's own group.
      REQUESTS_QUEUE_URL: { Ref: queueId(base.template) },
      REQUESTS_QUEUE_ARN: { 'Fn::GetAtt': [queueId(base.template), 'Arn'] },
      WAKE_SCHEDULE_GROUP: 'switchboard-dev-wakes',
      WAKE_SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^WakeSchedulesRole/), 'Arn'] },
      WAKE_DEAD_LETTER_QUEUE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^WakeSchedulesDeadLetters/), 'Arn'] },
    });
  });

  it('may do exactly what it needs and no more', () => {
    expect(grantsOf(base.template, 'OrchestratorHandlerFunctionServiceRole')).toEqual({
      '*': ['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      customers: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PartiQLUpdate', 'dynamodb:UpdateItem'],
      deliveries: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      // Counting sends, and reading the learned priors.
      counters: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      inbox: ['dynamodb:PutItem'],
      // The domain, and the from-address in case it is verified as an identity of its own.
      'arn:<Partition>:ses:<Region>:<AccountId>:identity/example.com': ['ses:SendEmail'],
      'arn:<Partition>:ses:<Region>:<AccountId>:identity/notifications@example.com': ['ses:SendEmail'],
      [`arn:<Partition>:ses:<Region>:<AccountId>:configuration-set/<${configurationSetId(base.template)}>`]: ['ses:SendEmail'],
      // Consumed, and sent to: a wake due within 15 minutes is a delayed message the orchestrator sends itself.
      [queueId(base.template)]: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
      [`<${secretId(base.template)}>`]: ['secretsmanager:GetSecretValue'],
      // It creates wake schedules and never moves or deletes one: engagement handlers delete them.
      'arn:<Partition>:scheduler:<Region>:<AccountId>:schedule/switchboard-dev-wakes/*': ['scheduler:CreateSchedule'],
      [roleId(base.template, 'WakeSchedulesRole')]: ['iam:PassRole'],
    });
  });

  it('sends push only when a Pinpoint application is configured, and then only to it', () => {
    expect(functionNamed(base.template, 'switchboard-orchestrator').env.PINPOINT_APPLICATION_ID).toBeUndefined();
    expect(JSON.stringify(base.template.toJSON())).not.toContain('mobiletargeting');
    base.template.hasOutput('PushChannel', { Value: 'off (no pinpointApplicationId)' });

    expect(functionNamed(channels.template, 'switchboard-orchestrator').env.PINPOINT_APPLICATION_ID).toBe(PINPOINT_APP);
    expect(grantsOf(channels.template, 'OrchestratorHandlerFunctionServiceRole')).toMatchObject({
      [`arn:<Partition>:mobiletargeting:<Region>:<AccountId>:apps/${PINPOINT_APP}/messages`]: ['mobiletargeting:SendMessages'],
    });
    channels.template.hasOutput('PushChannel', { Value: 'on' });
  });

  it('passes the SMS sender settings when they are set', () => {
    expect(functionNamed(channels.template, 'switchboard-orchestrator').env).toMatchObject({
      SMS_SENDER_ID: 'Shop',
      SMS_ORIGINATION_NUMBER: '+15555550100',
    });
    expect(functionNamed(base.template, 'switchboard-orchestrator').env.SMS_SENDER_ID).toBeUndefined();
  });
});

describe('the other handlers', () => {
  const FEEDBACK_RECORDER = {
    deliveries: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    customers: ['dynamodb:UpdateItem'],
  };
  const XRAY = { '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] };
  /** An engagement concludes an escalation: its wake is sent to the requests queue now and its schedule deleted, nothing more. */
  const WAKE_ADVANCER = () => ({
    [queueId(base.template)]: ['sqs:SendMessage'],
    'arn:<Partition>:scheduler:<Region>:<AccountId>:schedule/switchboard-dev-wakes/*': ['scheduler:DeleteSchedule'],
  });
  const WAKE_ADVANCER_ENV = () => ({ REQUESTS_QUEUE_URL: { Ref: queueId(base.template) }, WAKE_SCHEDULE_GROUP: 'switchboard-dev-wakes' });

  it('feedback records events on deliveries and customers, concludes escalations and parks failures in its dead-letter queue', () => {
    const { env } = functionNamed(base.template, 'switchboard-feedback');
    expect(env).toMatchObject({ DELIVERIES_TABLE: expect.anything(), CUSTOMERS_TABLE: expect.anything(), ...WAKE_ADVANCER_ENV() });
    expect(env).not.toHaveProperty('WAKE_SCHEDULER_ROLE_ARN');
    const deadLetters = Object.keys(base.template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('FeedbackDeadLetters')) as string;
    expect(grantsOf(base.template, 'FeedbackFunctionServiceRole')).toEqual({
      ...XRAY,
      ...FEEDBACK_RECORDER,
      // Consent for complaints; the channel's counters before an open or click refreshes its faded evidence.
      customers: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [deadLetters]: ['sqs:SendMessage'],
      ...WAKE_ADVANCER(),
    });
  });

  it('inbox API reads and marks inbox items, records engagement as feedback and concludes escalations', () => {
    const { env } = functionNamed(base.template, 'switchboard-inbox-api');
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['INBOX_TABLE', 'DELIVERIES_TABLE', 'CUSTOMERS_TABLE']));
    expect(env).toMatchObject(WAKE_ADVANCER_ENV());
    expect(grantsOf(base.template, 'InboxApiFunctionServiceRole')).toEqual({
      ...XRAY,
      inbox: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      ...FEEDBACK_RECORDER,
      // A read marks the item opened: the channel's counters are read to refresh its faded evidence.
      customers: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      ...WAKE_ADVANCER(),
    });
  });

  it('history API queries only the byCustomer index, reads records by key and the customer’s consent', () => {
    expect(functionNamed(base.template, 'switchboard-history-api').env).toMatchObject({ DELIVERIES_TABLE: expect.anything(), CUSTOMERS_TABLE: expect.anything() });
    expect(grantsOf(base.template, 'HistoryApiFunctionServiceRole')).toEqual({
      ...XRAY,
      // A page of records by key, and one record for GET /requests/{requestId}.
      deliveries: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
      'deliveries/index/byCustomer': ['dynamodb:Query'],
      customers: ['dynamodb:GetItem'],
    });
  });

  it('profile API writes customers, and erases across the inbox, counters and deliveries with nothing more', () => {
    const { env, props } = functionNamed(base.template, 'switchboard-profile-api');
    expect(env).toMatchObject({
      TEMPLATE_BUNDLE_PATH: '/var/task/templates.bundle.json',
      CUSTOMERS_TABLE: expect.anything(),
      DELIVERIES_TABLE: expect.anything(),
      INBOX_TABLE: expect.anything(),
      COUNTERS_TABLE: expect.anything(),
    });
    expect(props.Timeout).toBeLessThan(29);
    expect(grantsOf(base.template, 'ProfileApiHandlerFunctionServiceRole')).toEqual({
      ...XRAY,
      customers: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      inbox: ['dynamodb:BatchWriteItem', 'dynamodb:Query'],
      counters: ['dynamodb:BatchWriteItem'],
      deliveries: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'],
      'deliveries/index/byCustomer': ['dynamodb:Query'],
    });
  });

  it('ingest is told the requests queue and the template bundle, and may only send to that queue', () => {
    const { env, props } = functionNamed(base.template, 'switchboard-ingest');
    const asset = join(base.outdir, `asset.${(props.Code.S3Key as string).replace(/\.zip$/, '')}`);
    expect(readFileSync(join(asset, 'templates.bundle.json'), 'utf8')).toBe(readFileSync(TEMPLATE_BUNDLE, 'utf8'));
    expect(env).toMatchObject({ REQUESTS_QUEUE_URL: { Ref: queueId(base.template) }, TEMPLATE_BUNDLE_PATH: '/var/task/templates.bundle.json' });
    expect(Object.keys(env).filter((key) => key.endsWith('_TABLE'))).toEqual([]);
    expect(grantsOf(base.template, 'IngestHandlerFunctionServiceRole')).toEqual({ ...XRAY, [queueId(base.template)]: ['sqs:SendMessage'] });
  });

  it('the priors refresher is invoked every hour, reads the deliveries with a Scan and puts the priors in the counters table, nothing more', () => {
    const { id, env, props } = functionNamed(base.template, 'switchboard-priors-refresh');
    expect(
      Object.keys(env)
        .filter((key) => key.endsWith('_TABLE'))
        .sort(),
    ).toEqual(['COUNTERS_TABLE', 'DELIVERIES_TABLE']);
    expect(env).toMatchObject({ DELIVERIES_TABLE: { Ref: expect.stringMatching(/^TablesDeliveries/) }, COUNTERS_TABLE: { Ref: expect.stringMatching(/^TablesCounters/) } });
    expect(props.Timeout).toBe(120);
    base.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    base.template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [id, 'Arn'] }, Principal: 'events.amazonaws.com' });
    expect(grantsOf(base.template, 'PriorsRefreshHandlerFunctionServiceRole')).toEqual({
      ...XRAY,
      deliveries: ['dynamodb:Scan'],
      counters: ['dynamodb:PutItem'],
    });
  });

  it('unsubscribe verifies links with the keys the orchestrator signs them with and records feedback', () => {
    const { env } = functionNamed(base.template, 'switchboard-unsubscribe');
    expect(env.LINK_SIGNING_SECRET_ID).toEqual({ Ref: secretId(base.template) });
    expect(grantsOf(base.template, 'UnsubscribeFunctionServiceRole')).toEqual({
      ...XRAY,
      ...FEEDBACK_RECORDER,
      [`<${secretId(base.template)}>`]: ['secretsmanager:GetSecretValue'],
    });
  });
});

describe('preference centre', () => {
  it('ships the topic registry in the template bundle, shows the configured brand, checks links with the signing secret and reads and writes only customers', () => {
    const { env } = functionNamed(base.template, 'switchboard-preferences');
    expect(Object.keys(env).sort()).toEqual([
      'BRAND_NAME',
      'CUSTOMERS_TABLE',
      'LINK_SIGNING_SECRET_ID',
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'TEMPLATE_BUNDLE_PATH',
    ]);
    expect(env).toMatchObject({ TEMPLATE_BUNDLE_PATH: '/var/task/templates.bundle.json', BRAND_NAME: 'Example Shop', LINK_SIGNING_SECRET_ID: { Ref: secretId(base.template) } });
    expect(grantsOf(base.template, 'PreferencesHandlerFunctionServiceRole')).toEqual({
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      customers: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      [`<${secretId(base.template)}>`]: ['secretsmanager:GetSecretValue'],
    });
  });
});

describe('the link signing secret', () => {
  it('is the secret first deployments generated, unchanged, so CloudFormation never regenerates it and breaks links already sent', () => {
    expect(secretId(base.template)).toMatch(/^UnsubscribeSecret/);
    base.template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } });
  });

  it('is never resolved into a template or an environment', () => {
    expect(JSON.stringify(base.template.toJSON())).not.toContain('resolve:secretsmanager');
  });

  it('may be read only by the functions that sign or check links', () => {
    const readers = Object.entries(base.template.findResources('AWS::IAM::Policy'))
      .filter(([, policy]) => JSON.stringify(policy).includes('secretsmanager:'))
      .map(([id]) => id.replace(/ServiceRoleDefaultPolicy.*$/, ''))
      .sort();
    expect(readers).toEqual(['OrchestratorHandlerFunction', 'PreferencesHandlerFunction', 'UnsubscribeFunction'].sort());
  });
});

function secretId(template: Template): string {
  return Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0] as string;
}
function configurationSetId(template: Template): string {
  return Object.keys(template.findResources('AWS::SES::ConfigurationSet'))[0] as string;
}
function queueId(template: Template): string {
  return Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }))[0] as string;
}
function roleId(template: Template, prefix: string): string {
  return Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith(prefix)) as string;
}
