import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { BundleTemplateStore } from '../../functions/adapters/bundle-template-store.js';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoInboxSender } from '../../functions/adapters/dynamo-inbox-sender.js';
import { DynamoInboxStore } from '../../functions/adapters/dynamo-inbox-store.js';
import { scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import { CapturingSender } from '../../functions/adapters/memory/capturing-sender.js';
import { MemoryTelemetry } from '../../functions/adapters/memory/telemetry.js';
import { MemoryWakeScheduler } from '../../functions/adapters/memory/wake-scheduler.js';
import { composeFeedback } from '../../functions/composition/feedback.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import type { FeedbackDeps } from '../../functions/core/feedback/apply.js';
import { type InboxDeps, markInboxMessage, reportPushEngagement } from '../../functions/core/feedback/inbox.js';
import type { Customer } from '../../functions/core/model.js';
import { type OrchestratorDeps, orchestrateBatch } from '../../functions/core/orchestrate.js';
import type { WakeScheduler } from '../../functions/core/ports.js';
import { CustomerRenderer } from '../../functions/core/render/customer-renderer.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { readInboxApiConfig } from '../../functions/inbox-api/config.js';
import { awsError } from '../support/aws-errors.js';
import { handlerTables, type LocalTables } from '../support/local-aws.js';
import { opensOfTen, reachableCustomer, testTemplate } from '../support/orchestrator-harness.js';

/**
 * Engagement concluding an escalation, on DynamoDB Local and the SQS emulator: the feedback deps
 * are composed as the inbox API composes them at cold start, so a read or an open brings the
 * escalation's wake forward through the real adapters (Scheduler mocked), and the wake that lands
 * on the queue ends the escalation when the orchestrator takes it.
 */
const MINUTE = 60_000;
const WAKE_GROUP = 'feedback-wakes';
const schedulerMock = mockClient(SchedulerClient);
const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
let local: LocalTables;
let queues: QueueNames;
let now: Date;
let sequence = 0;
/** The orchestrator's side: the wakes it arranged, held in memory as their schedules would be. */
let scheduled: MemoryWakeScheduler;
let orchestrator: OrchestratorDeps;
let feedback: FeedbackDeps;
let wakes: WakeScheduler;
let inbox: InboxDeps;
const senders = { email: new CapturingSender('email'), push: new CapturingSender('push'), sms: new CapturingSender('sms') };
const orderUpdate = testTemplate({ id: 'order-update', category: 'transactional', topic: 'order-updates', channels: ['push', 'sms', 'email', 'in_app'] });

beforeAll(async () => {
  queues = await createQueues(sqs, `feedback-wakes-${Date.now()}-`);
  local = await handlerTables('feedback-wakes', { REQUESTS_QUEUE_URL: queues.requests.url, WAKE_SCHEDULE_GROUP: WAKE_GROUP });
  const clock = { now: () => now };
  orchestrator = {
    customers: new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers }),
    deliveries: new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries }),
    counter: new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters }),
    templates: new BundleTemplateStore({ formatVersion: 1, templates: { [orderUpdate.manifest.id]: orderUpdate } }),
    senders: { ...senders, in_app: new DynamoInboxSender(local.doc, { tableName: local.tables.inbox }) },
    renderer: new CustomerRenderer(),
    telemetry: new MemoryTelemetry(),
    clock,
    decisionConfig: defaultDecisionConfig,
    leaseMs: MINUTE,
    concurrency: 4,
    get scheduler() {
      return scheduled;
    },
  };
  // What the inbox API builds at cold start, on this test's clock.
  const composed = composeFeedback(readInboxApiConfig(process.env), 'switchboard-inbox-api', local.doc).deps;
  if (!composed.wakes) throw new Error('the inbox API composed its feedback without a wake scheduler');
  wakes = composed.wakes;
  feedback = { ...composed, clock };
  inbox = { inbox: new DynamoInboxStore(local.doc, { tableName: local.tables.inbox }), feedback, clock };
});

afterAll(() => {
  schedulerMock.restore();
  sqs.destroy();
  local.client.destroy();
});

beforeEach(() => {
  now = new Date('2026-11-24T12:00:00.000Z');
  scheduled = new MemoryWakeScheduler();
  for (const sender of Object.values(senders)) sender.sent.length = 0;
  schedulerMock.reset();
  schedulerMock.on(DeleteScheduleCommand).resolves({});
  vi.restoreAllMocks();
});

async function putCustomer(customer: Customer): Promise<void> {
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: JSON.parse(JSON.stringify(customer)) as Record<string, unknown> }));
}

function run(...bodies: unknown[]) {
  return orchestrateBatch(
    bodies.map((body) => ({ messageId: `m-${++sequence}`, body: typeof body === 'string' ? body : JSON.stringify(body) })),
    orchestrator,
  );
}

/**
 * An escalation whose first step, in-app, went out; its next look is due in 30 minutes. The
 * customer leaves email unread, so push is the step after in-app.
 */
async function escalation(requestId: string, customerId: string) {
  await putCustomer(reachableCustomer(customerId, opensOfTen({ email: 0 })));
  const request = {
    requestId,
    customerId,
    template: 'order-update',
    data: { item: 'boots' },
    strategy: 'escalate',
    escalateAfter: 'PT30M',
    channels: ['in_app', 'push', 'email'],
    context: { sessionActive: true },
  };
  expect(await run(request)).toEqual([expect.objectContaining({ status: 'SENT', channels: ['in_app'] })]);
}

/** The wake messages on the requests queue, taken off it. */
async function queued(): Promise<string[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.requests.url, ReceiptHandle: message.ReceiptHandle }));
  return Messages.map((message) => message.Body ?? '');
}

async function pendingWake(requestId: string): Promise<unknown> {
  const { Item } = await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }));
  return Item?.wake;
}

describe('feedback concluding an escalation', () => {
  it('an in-app read brings the pending wake forward to now: sent on the queue, its schedule deleted, and the escalation ends when it arrives', async () => {
    await escalation('esc-read', 'c-read');
    const bringForward = vi.spyOn(wakes, 'bringForward');
    now = new Date(now.getTime() + 3 * MINUTE);

    const marked = await markInboxMessage({ customerId: 'c-read', id: 'esc-read', action: 'read' }, inbox);
    expect(marked).toMatchObject({ found: true, outcome: { outcome: 'applied', status: 'OPENED' } });
    expect(bringForward).toHaveBeenCalledExactlyOnceWith({ requestId: 'esc-read', token: 'e1', kind: 'escalation', due: now }, now);
    expect(schedulerMock.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: scheduleName({ requestId: 'esc-read', token: 'e1' }), GroupName: WAKE_GROUP },
    ]);
    const messages = await queued();
    expect(messages.map((body) => JSON.parse(body) as unknown)).toEqual([{ wake: { requestId: 'esc-read', token: 'e1', kind: 'escalation' } }]);

    // The orchestrator takes the wake at once, 27 minutes early, and sees the engagement.
    expect(await run(...messages)).toEqual([expect.objectContaining({ status: 'ESCALATED', reason: 'engaged' })]);
    expect(senders.push.sent).toHaveLength(0);
    expect(await pendingWake('esc-read')).toBeUndefined();
    // The original wake, had its schedule not been deleted, finds its token spent.
    expect(await run(scheduled.take({ requestId: 'esc-read', token: 'e1', kind: 'escalation' }))).toEqual([expect.objectContaining({ status: 'DUPLICATE', reason: 'STALE_WAKE' })]);
  });

  it('a push the app reports opened concludes the escalation after its second step', async () => {
    await escalation('esc-push', 'c-push');
    now = new Date(now.getTime() + 30 * MINUTE);
    const [first] = scheduled.list();
    if (!first) throw new Error('no wake is pending');
    expect(await run(scheduled.take(first))).toEqual([expect.objectContaining({ status: 'SENT', channels: ['push'] })]);
    const bringForward = vi.spyOn(wakes, 'bringForward');
    now = new Date(now.getTime() + 5 * MINUTE);

    expect(await reportPushEngagement({ customerId: 'c-push', requestId: 'esc-push', kind: 'opened' }, inbox)).toMatchObject({ outcome: 'applied' });
    expect(bringForward).toHaveBeenCalledExactlyOnceWith({ requestId: 'esc-push', token: 'e2', kind: 'escalation', due: now }, now);
    const messages = await queued();
    expect(messages.map((body) => JSON.parse(body) as unknown)).toEqual([{ wake: { requestId: 'esc-push', token: 'e2', kind: 'escalation' } }]);
    expect(await run(...messages)).toEqual([expect.objectContaining({ status: 'ESCALATED', reason: 'engaged' })]);
    expect(senders.email.sent).toHaveLength(0);
  });

  it('brings nothing forward for what is not engagement: a dismissal', async () => {
    await escalation('esc-dismissed', 'c-dismissed');
    const bringForward = vi.spyOn(wakes, 'bringForward');
    expect(await markInboxMessage({ customerId: 'c-dismissed', id: 'esc-dismissed', action: 'dismissed' }, inbox)).toMatchObject({ found: true });
    expect(bringForward).not.toHaveBeenCalled();
    expect(await queued()).toEqual([]);
    expect(schedulerMock.calls()).toEqual([]);
  });

  it('still records the engagement when the schedule cannot be deleted: the wake is on the queue, and the schedule fires later to find its token spent', async () => {
    await escalation('esc-throttled', 'c-throttled');
    schedulerMock.on(DeleteScheduleCommand).rejects(awsError('ThrottlingException', { status: 429 }));
    now = new Date(now.getTime() + 3 * MINUTE);
    expect(await markInboxMessage({ customerId: 'c-throttled', id: 'esc-throttled', action: 'clicked' }, inbox)).toMatchObject({
      found: true,
      outcome: { outcome: 'applied', status: 'CLICKED' },
    });
    const messages = await queued();
    expect(messages.map((body) => JSON.parse(body) as unknown)).toEqual([{ wake: { requestId: 'esc-throttled', token: 'e1', kind: 'escalation' } }]);
    expect(await run(...messages)).toEqual([expect.objectContaining({ status: 'ESCALATED', reason: 'engaged' })]);
  });
});
