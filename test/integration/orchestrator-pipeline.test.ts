import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinpointClient, SendMessagesCommand, type SendMessagesCommandInput } from '@aws-sdk/client-pinpoint';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { ORCHESTRATOR_SERVICE_NAME } from '../../functions/definitions/metrics.js';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../functions/local/secrets-manager-local.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { localHour, zoneWhere } from '../../functions/local/seed/tokens.js';
import { type SqsEmulator, startSqsEmulator } from '../../functions/local/sqs-emulator.js';
import { pollOnce, type SqsHandler } from '../../functions/local/sqs-lambda-poller.js';
import { BASE_CONTEXT, synthesize } from '../infra/synth.js';
import { awsError } from '../support/aws-errors.js';
import { DeployedStack, simulate, unexercisedGrants } from '../support/iam-simulation.js';
import { handlerTables, type LocalTables } from '../support/local-aws.js';
import { reachableCustomer, testTemplate } from '../support/orchestrator-harness.js';
import { KEY_1, ring } from '../support/link-keys.js';
import { SdkCallLog } from '../support/sdk-calls.js';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const pinpoint = mockClient(PinpointClient);
const scheduler = mockClient(SchedulerClient);
/**
 * An SQS emulator of this file's own, in this process: the wake tests move the clock forward,
 * and the emulator must see the same clock to release a delayed message when it comes due.
 */
let emulator: SqsEmulator;
let sqs: SQSClient;
/** Lambda's event source mapping polls with the function's role: its calls are the orchestrator's. */
let eventSource: SQSClient;

const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
const CONFIGURATION_SET = 'switchboard-events';
/** The link signing keys, as a stack generates them, behind the Secrets Manager stand-in. */
const LINK_SECRET = 'switchboard-pipeline/link-signing';
/** The wake schedule group and role as the orchestrator is told them; Scheduler itself is mocked. */
const WAKE_GROUP = 'pipeline-wakes';
const WAKE_ROLE = 'arn:aws:iam::000000000000:role/pipeline-wakes';
let secrets: LocalSecretsManager;
let local: LocalTables;
let queues: QueueNames;
let handler: SqsHandler;
/** Every AWS call the orchestrator made: its own SDK clients, the mocked providers and the event source. */
let calls: SdkCallLog;

const DEAD_TOKEN = 'token-dead-device';
/** Marketing push is held back at night, so these customers live wherever it is daytime when the test runs. */
const AWAKE_ZONE = zoneWhere('day', 'UTC', new Date());

/** Pinpoint answers per token: the dead device fails permanently, everyone else succeeds. */
function pinpointAnswer(input: SendMessagesCommandInput) {
  const tokens = Object.keys(input.MessageRequest?.Addresses ?? {});
  const Result = Object.fromEntries(
    tokens.map((t) => [t, t === DEAD_TOKEN ? { DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 410 } : { DeliveryStatus: 'SUCCESSFUL', StatusCode: 200, MessageId: `push-${t}` }]),
  );
  return { MessageResponse: { ApplicationId: 'app', Result } };
}

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = localSqsClient(emulator.endpoint, emulator.region);
  eventSource = localSqsClient(emulator.endpoint, emulator.region);
  secrets = await startLocalSecretsManager({ secrets: { [LINK_SECRET]: KEY_1 } });
  local = await handlerTables('pipeline');
  queues = await createQueues(sqs, `pipeline-${Date.now()}-`);
  const bundleDir = mkdtempSync(join(tmpdir(), 'bundle-'));
  const receipt = testTemplate({ id: 'test-receipt', category: 'transactional', topic: 'order-updates' });
  const bundle: TemplateBundle = { formatVersion: 1, templates: { 'test-offer': testTemplate(), 'test-receipt': receipt } };
  writeFileSync(join(bundleDir, 'bundle.json'), JSON.stringify(bundle));
  Object.assign(process.env, {
    SES_CONFIGURATION_SET: CONFIGURATION_SET,
    // The address the synthesized stack grants, so the IAM check below judges the calls against it.
    SES_FROM_ADDRESS: String(BASE_CONTEXT.fromAddress),
    UNSUBSCRIBE_BASE_URL: 'https://example.com/unsubscribe',
    PREFERENCES_BASE_URL: 'https://example.com/preference-centre',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    LINK_SIGNING_SECRET_ID: secrets.arnOf(LINK_SECRET),
    PINPOINT_APPLICATION_ID: PINPOINT_APP,
    TEMPLATE_BUNDLE_PATH: join(bundleDir, 'bundle.json'),
    // A wake due soon is a delayed message the orchestrator sends to the requests queue itself.
    AWS_ENDPOINT_URL_SQS: emulator.endpoint,
    REQUESTS_QUEUE_URL: queues.requests.url,
    REQUESTS_QUEUE_ARN: queues.requests.arn,
    WAKE_SCHEDULE_GROUP: WAKE_GROUP,
    WAKE_SCHEDULER_ROLE_ARN: WAKE_ROLE,
    WAKE_DEAD_LETTER_QUEUE_ARN: queues.deadLetter.arn,
  });
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `email-${ses.calls().length}` }));
  sns.on(PublishCommand).callsFake(() => ({ MessageId: `sms-${sns.calls().length}` }));
  sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
  pinpoint.on(SendMessagesCommand).callsFake(pinpointAnswer);
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/pipeline-wakes/x' });
  calls = new SdkCallLog({
    tables: local.tables,
    queues: { requests: queues.requests.url },
    sesConfigurationSet: CONFIGURATION_SET,
    pinpointApplicationId: PINPOINT_APP,
    linkSigningSecret: secrets.arnOf(LINK_SECRET),
    wakeScheduleGroup: WAKE_GROUP,
    roles: { wakeScheduler: WAKE_ROLE },
  });
  calls.recordClients([DynamoDBClient, SecretsManagerClient], [local.client, local.doc, sqs]);
  ({ handler } = await import('../../functions/orchestrator/handler.js'));
});

// The mocks answer before any middleware sees a call, and tests reset them: collect after each test.
afterEach(() => {
  calls.addMocked('SESv2', ses);
  calls.addMocked('SNS', sns);
  calls.addMocked('Pinpoint', pinpoint);
  calls.addMocked('Scheduler', scheduler);
});

afterAll(async () => {
  ses.restore();
  sns.restore();
  pinpoint.restore();
  scheduler.restore();
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  sqs?.destroy();
  eventSource?.destroy();
  await Promise.all([secrets?.stop(), emulator?.stop()]);
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

async function seed(customers: Customer[]): Promise<void> {
  for (let i = 0; i < customers.length; i += 25) {
    const chunk = customers.slice(i, i + 25);
    await local.doc.send(new BatchWriteCommand({ RequestItems: { [local.tables.customers]: chunk.map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

async function enqueue(bodies: unknown[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.requests.url,
        Entries: chunk.map((body, j) => ({ Id: String(j), MessageBody: typeof body === 'string' ? body : JSON.stringify(body) })),
      }),
    );
  }
}

/** Drains the queue through the real handler, batch by batch, as the event source mapping would. */
async function drain(batchSize = 100, parallel = 1): Promise<number> {
  let invocations = 0;
  for (let idle = 0; idle < 2;) {
    const results = await Promise.all(Array.from({ length: parallel }, () => pollOnce({ sqs: eventSource, queue: queues.requests, handler, batchSize })));
    invocations += results.filter((r) => r.received > 0).length;
    idle = results.every((r) => r.received === 0) ? idle + 1 : 0;
  }
  return invocations;
}

async function record(requestId: string): Promise<DeliveryRecord | undefined> {
  const { Item } = await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId } }));
  return Item as DeliveryRecord | undefined;
}

async function queueDepth(url: string): Promise<number> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const offer = (requestId: string, customerId: string, over: Record<string, unknown> = {}) => ({
  requestId,
  customerId,
  template: 'test-offer',
  data: { item: 'boots' },
  createdAt: new Date().toISOString(),
  ...over,
});

describe('the orchestrator handler on DynamoDB Local and the SQS emulator', () => {
  it('delivers 250 requests for 60 customers, each recorded with its decision, one provider call per send', async () => {
    const customers = Array.from({ length: 60 }, (_, i) => {
      const id = `bulk-${i}`;
      // A third have no phone or push, so the ranking must pick email or in-app for them.
      return i % 3 === 0 ? reachableCustomer(id, { phone: undefined, push: [] }) : reachableCustomer(id, { timeZone: AWAKE_ZONE });
    });
    await seed(customers);
    const requests = Array.from({ length: 250 }, (_, i) => offer(`bulk-r-${i}`, `bulk-${i % 60}`, { template: 'test-receipt', strategy: 'best' }));
    ses.resetHistory();
    sns.resetHistory();
    pinpoint.resetHistory();
    await enqueue(requests);
    await drain();

    const records = await Promise.all(requests.map((r) => record(r.requestId)));
    expect(records.map((r) => r?.status)).toEqual(requests.map(() => 'SENT'));
    const byChannel = (channel: string) => records.filter((r) => r?.channel === channel).length;
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(byChannel('email'));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(byChannel('sms'));
    expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(byChannel('push'));
    for (const r of records.filter((r) => r?.customerId === 'bulk-0')) {
      expect(['email', 'in_app']).toContain(r?.channel);
      expect(r?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'sms', reason: 'NO_ADDRESS' }));
    }
    expect(await queueDepth(queues.requests.url)).toBe(0);
  });

  it('sends a request delivered twice only once', async () => {
    await seed([reachableCustomer('twice', { timeZone: AWAKE_ZONE })]);
    const before = ses.calls().length + sns.calls().length + pinpoint.calls().length;
    await enqueue([offer('twice-r', 'twice', { channels: ['email'] }), offer('twice-r', 'twice', { channels: ['email'] })]);
    await drain(1);
    expect(ses.calls().length + sns.calls().length + pinpoint.calls().length - before).toBe(1);
    expect((await record('twice-r'))?.status).toBe('SENT');
  });

  it('records a poison message as REJECTED with its problems and removes it from the queue', async () => {
    await enqueue([{ requestId: 'poison-1', customerId: 'x', template: 'test-offer', strategy: 'loudest', colour: 'red' }, '<<not json>>']);
    await drain();
    const rejected = await record('poison-1');
    expect(rejected?.status).toBe('REJECTED');
    expect(rejected?.problems?.map((p) => p.path).sort()).toEqual(['', 'strategy']);
    expect(await queueDepth(queues.requests.url)).toBe(0);
    expect(await queueDepth(queues.deadLetter.url)).toBe(0);
  });

  it('reports a throttled provider back to the queue, retries, and sends exactly once', async () => {
    await seed([reachableCustomer('throttled', { timeZone: AWAKE_ZONE })]);
    const throttle = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    ses.reset();
    ses.on(SendEmailCommand).rejectsOnce(throttle).resolves({ MessageId: 'email-after-throttle' });
    await enqueue([offer('throttled-r', 'throttled', { channels: ['email'] })]);
    const first = await pollOnce({ sqs: eventSource, queue: queues.requests, handler, batchSize: 10 });
    expect(first).toMatchObject({ received: 1, failed: 1 });
    // The claim is given back (or never finished), so the redelivery can take it.
    expect((await record('throttled-r'))?.status ?? 'ACCEPTED').toBe('ACCEPTED');
    await drain();
    const sent = await record('throttled-r');
    expect(sent?.status).toBe('SENT');
    expect(sent?.attempts).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(sent?.attempts[0]?.providerMessageId).toBe('email-after-throttle');
  });

  it('fails over from a permanently failed push token to the next channel, recording both attempts', async () => {
    await seed([
      reachableCustomer('dead-device', {
        timeZone: AWAKE_ZONE,
        push: [{ token: DEAD_TOKEN, platform: 'GCM', status: 'active' }],
        context: { surface: 'store', storeId: 'berlin-mitte', observedAt: new Date().toISOString() },
      }),
    ]);
    await enqueue([offer('dead-r', 'dead-device', { context: { surface: 'store', storeId: 'berlin-mitte' } })]);
    await drain();
    const done = await record('dead-r');
    expect(done?.status).toBe('SENT');
    expect(done?.attempts.map((a) => [a.channel, a.outcome])).toEqual([
      ['push', 'FAILED_PERMANENT'],
      [done?.channel, 'SENT'],
    ]);
    const { Item } = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: 'dead-device' } }));
    expect((Item as Customer).push?.[0]).toMatchObject({ token: DEAD_TOKEN, status: 'suppressed', reason: 'invalid' });
  });

  it('never exceeds a frequency cap under concurrent batches', async () => {
    // Only push is possible for this customer; the default marketing cap for push is 2 a day.
    await seed([reachableCustomer('capped', { timeZone: AWAKE_ZONE, email: undefined, phone: undefined, inApp: { enabled: false } })]);
    const requests = Array.from({ length: 12 }, (_, i) => offer(`capped-r-${i}`, 'capped', { channels: ['push'] }));
    await enqueue(requests);
    await drain(2, 4);
    const statuses = (await Promise.all(requests.map((r) => record(r.requestId)))).map((r) => r?.status);
    expect(statuses.filter((s) => s === 'SENT')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'SUPPRESSED')).toHaveLength(10);
  });

  it('reads customers with one BatchGetItem for a 100-message batch and never per message', async () => {
    await seed(Array.from({ length: 100 }, (_, i) => reachableCustomer(`count-${i}`, { timeZone: AWAKE_ZONE })));
    await enqueue(Array.from({ length: 100 }, (_, i) => offer(`count-r-${i}`, `count-${i}`, { template: 'test-receipt', channels: ['email'] })));
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      while ((await pollOnce({ sqs: eventSource, queue: queues.requests, handler, batchSize: 100 })).received > 0);
      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      const count = (name: string) => commands.filter((c) => c === name).length;
      expect(count('BatchGetCommand')).toBe(1);
      expect(count('GetCommand') + count('QueryCommand')).toBe(0);
      // One claim and one final write per message; transactional email has no cap counter.
      expect(count('PutCommand')).toBe(0);
      expect(count('UpdateCommand')).toBe(200);
    } finally {
      send.mockRestore();
    }
  });

  it('puts an in-app message in the customer’s inbox', async () => {
    await seed([reachableCustomer('in-app', { timeZone: AWAKE_ZONE })]);
    await enqueue([offer('in-app-r', 'in-app', { channels: ['in_app'] })]);
    await drain();
    expect(await record('in-app-r')).toMatchObject({ status: 'SENT', channel: 'in_app' });
    const { Items } = await local.doc.send(
      new QueryCommand({ TableName: local.tables.inbox, KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': 'in-app' } }),
    );
    expect(Items?.map((item) => item.requestId)).toEqual(['in-app-r']);
  });

  it('asks SNS about opt-outs before a marketing SMS, and never takes a refused check for an opt-out', async () => {
    const sms = (customerId: string) => offer(`${customerId}-r`, customerId, { channels: ['sms'] });
    await seed([reachableCustomer('sms-checked', { timeZone: AWAKE_ZONE }), reachableCustomer('sms-check-refused', { timeZone: AWAKE_ZONE })]);
    await enqueue([sms('sms-checked')]);
    await drain();
    expect((await record('sms-checked-r'))?.status).toBe('SENT');

    // What SNS answers when the role lacks the permission: the message names the action.
    const refused = awsError('AuthorizationErrorException', {
      status: 403,
      message: 'User: arn:aws:sts::123456789012:assumed-role/orchestrator/fn is not authorized to perform: SNS:CheckIfPhoneNumberIsOptedOut on resource: *',
    });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(refused);
    try {
      await enqueue([sms('sms-check-refused')]);
      await drain();
    } finally {
      sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
    }
    const failed = await record('sms-check-refused-r');
    expect(failed?.status).toBe('FAILED');
    expect(failed?.attempts.map((a) => [a.channel, a.outcome, a.error?.code])).toEqual([['sms', 'FAILED_PERMANENT', 'SMS_NOT_AUTHORIZED']]);
    const { Item } = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: 'sms-check-refused' }, ConsistentRead: true }));
    expect((Item as Customer).phone?.status).toBe('active');
    expect((Item as Customer).consent?.sms?.['*']).toBe('opt_in');
  });

  it('signs a marketing email’s one-click unsubscribe link with the key it reads from Secrets Manager', async () => {
    await seed([reachableCustomer('linked', { timeZone: AWAKE_ZONE })]);
    ses.resetHistory();
    await enqueue([offer('linked-r', 'linked', { channels: ['email'] })]);
    await drain();
    expect((await record('linked-r'))?.status).toBe('SENT');
    const headers = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers ?? [];
    const link = headers.find((h) => h.Name === 'List-Unsubscribe')?.Value?.replace(/^<|>$/g, '') ?? '';
    const token = new URL(link).searchParams.get('token') ?? '';
    const check = await new MemoryLinkSigner(ring('k0', { k0: KEY_1 })).verify(token, 'unsubscribe', new Date());
    expect(check).toMatchObject({ ok: true, claims: { requestId: 'linked-r', customerId: 'linked', topic: 'promotions' } });
  });

  describe('with the clock pinned, so the wakes come due when the test says', () => {
    /** 18:00 in Berlin, 02:00 in Tokyo. */
    const PINNED = new Date('2026-11-24T17:00:00.000Z');
    /** A zone where it is night at the pinned time: marketing push and SMS wait for morning there. */
    const NIGHT_ZONE = zoneWhere('night', 'Asia/Tokyo', PINNED);
    const at = (ms: number) => vi.setSystemTime(new Date(PINNED.getTime() + ms));

    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: PINNED });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    async function delayedMessages(): Promise<number> {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.requests.url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
      return Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
    }

    it('defers a marketing message in the customer’s night with a one-time schedule that wakes it in the morning', async () => {
      expect(localHour(NIGHT_ZONE, PINNED)).toBeLessThan(6);
      await seed([reachableCustomer('night-owl', { timeZone: NIGHT_ZONE, email: undefined, inApp: { enabled: false } })]);
      scheduler.resetHistory();
      await enqueue([offer('night-owl-r', 'night-owl')]);
      await drain();

      const deferred = await record('night-owl-r');
      expect(deferred).toMatchObject({ status: 'DEFERRED', wake: { token: 'd1', kind: 'deferral' } });
      const until = new Date(deferred?.deferredUntil ?? '');
      expect(until.getTime() - PINNED.getTime()).toBeGreaterThan(2 * 3_600_000);
      expect(localHour(NIGHT_ZONE, until)).toBe(8);
      // Hours away, beyond a delayed message: a schedule in the wake group that sends the wake to the queue once, then goes.
      const wake = { wake: { requestId: 'night-owl-r', token: 'd1', kind: 'deferral' } };
      expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
        {
          Name: scheduleName({ requestId: 'night-owl-r', token: 'd1' }),
          GroupName: WAKE_GROUP,
          ScheduleExpression: `at(${until.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: queues.requests.arn,
            RoleArn: WAKE_ROLE,
            Input: JSON.stringify(wake),
            DeadLetterConfig: { Arn: queues.deadLetter.arn },
            RetryPolicy: expect.any(Object),
          },
        },
      ]);
      expect(await queueDepth(queues.requests.url)).toBe(0);

      // In the morning the schedule puts its input on the queue; the handler sends the message then.
      at(until.getTime() - PINNED.getTime() + 1_000);
      await enqueue([scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target?.Input]);
      await drain();
      const sent = await record('night-owl-r');
      expect(sent).toMatchObject({ status: 'SENT', channel: 'push' });
      expect(sent).not.toHaveProperty('wake');
    });

    it('escalates after PT2M with a delayed wake on the queue, and sends the next step when it arrives', async () => {
      await seed([reachableCustomer('escalating', { email: undefined, phone: undefined })]);
      pinpoint.resetHistory();
      const request = offer('escalating-r', 'escalating', { strategy: 'escalate', escalateAfter: 'PT2M', channels: ['in_app', 'push'], context: { sessionActive: true } });
      await enqueue([request]);
      await drain();
      expect(await record('escalating-r')).toMatchObject({ status: 'SENT', channels: ['in_app'], wake: { token: 'e1', kind: 'escalation' } });
      expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(0);
      // Two minutes is within a delayed message's reach: on the queue, not a schedule, and not visible yet.
      expect(await delayedMessages()).toBe(1);
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10 }));
      expect(Messages).toEqual([]);

      // Two minutes on, the queue hands the wake to the handler, and the next channel gets the message.
      at(2 * 60_000 + 1_000);
      const arrived: unknown[] = [];
      const polled = await pollOnce({
        sqs: eventSource,
        queue: queues.requests,
        batchSize: 10,
        handler: (event, context) => {
          arrived.push(...event.Records.map((r) => JSON.parse(r.body) as unknown));
          return handler(event, context);
        },
      });
      expect(polled).toMatchObject({ received: 1, failed: 0 });
      expect(arrived).toEqual([{ wake: { requestId: 'escalating-r', token: 'e1', kind: 'escalation' } }]);
      const stepped = await record('escalating-r');
      expect(stepped).toMatchObject({ channels: ['in_app', 'push'], wake: { token: 'e2', kind: 'escalation' } });
      expect(stepped?.escalation?.steps.map((step) => step.channel)).toEqual(['in_app', 'push']);
      expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(1);

      // The last step is waited for too; with no channel left the escalation ends there, the queue empty.
      expect(await delayedMessages()).toBe(1);
      at(4 * 60_000 + 2_000);
      await drain();
      expect((await record('escalating-r'))?.escalation?.stopped).toMatchObject({ cause: 'no_channel_left' });
      expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(1);
      expect(await queueDepth(queues.requests.url)).toBe(0);
    });
  });

  it('made only calls the synthesized stack allows, on every service, and holds no grant it never used', async () => {
    const requests = calls.requests();
    expect([...new Set(requests.map((r) => r.action.split(':')[0]))].sort()).toEqual(['dynamodb', 'iam', 'mobiletargeting', 'scheduler', 'secretsmanager', 'ses', 'sns', 'sqs']);
    const synthesized = synthesize({ pinpointApplicationId: PINPOINT_APP });
    try {
      const stack = new DeployedStack(synthesized.template.toJSON(), { stackName: synthesized.stack.stackName, pinpointApplicationId: PINPOINT_APP });
      const policies = stack.policiesOf(ORCHESTRATOR_SERVICE_NAME);
      const verdicts = await simulate(stack, policies, requests);
      expect(verdicts.filter((v) => v.result !== 'Allowed')).toEqual([]);
      expect(unexercisedGrants(stack, policies, requests)).toEqual([]);
    } finally {
      synthesized.cleanup();
    }
  }, 120_000);
});
