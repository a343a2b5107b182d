import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BundleTemplateStore } from '../../functions/adapters/bundle-template-store.js';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../../functions/adapters/dynamo-suppression-writer.js';
import { CapturingSender } from '../../functions/adapters/memory/capturing-sender.js';
import { MemoryTelemetry } from '../../functions/adapters/memory/telemetry.js';
import { MemoryWakeScheduler } from '../../functions/adapters/memory/wake-scheduler.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { applyFeedbackEvent, type FeedbackDeps } from '../../functions/core/feedback/apply.js';
import { fromAppPushEvent, fromInboxAction } from '../../functions/core/feedback/app.js';
import type { Customer } from '../../functions/core/model.js';
import { type OrchestratorDeps, orchestrateBatch } from '../../functions/core/orchestrate.js';
import { CustomerRenderer } from '../../functions/core/render/customer-renderer.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { opensOfTen, reachableCustomer, testTemplate } from '../support/orchestrator-harness.js';

const MINUTE = 60_000;
let local: LocalTables;
let now: Date;
let sequence = 0;
let scheduler: MemoryWakeScheduler;
let deliveries: DynamoDeliveryLog;
let orchestrator: OrchestratorDeps;
let feedback: FeedbackDeps;
const senders = { email: new CapturingSender('email'), push: new CapturingSender('push'), sms: new CapturingSender('sms'), in_app: new CapturingSender('in_app') };
const orderUpdate = testTemplate({ id: 'order-update', category: 'transactional', topic: 'order-updates', channels: ['push', 'sms', 'email', 'in_app'] });

beforeAll(async () => {
  local = await localTables('timing');
  deliveries = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const customers = new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers });
  const clock = { now: () => now };
  orchestrator = {
    customers,
    deliveries,
    counter: new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters }),
    templates: new BundleTemplateStore({ formatVersion: 1, templates: { [orderUpdate.manifest.id]: orderUpdate } }),
    senders,
    renderer: new CustomerRenderer(),
    telemetry: new MemoryTelemetry(),
    clock,
    decisionConfig: defaultDecisionConfig,
    leaseMs: 60_000,
    concurrency: 4,
    get scheduler() {
      return scheduler;
    },
  };
  feedback = {
    store: new DynamoFeedbackStore(local.doc, {
      deliveriesTable: local.tables.deliveries,
      customersTable: local.tables.customers,
      halfLifeDays: defaultDecisionConfig.learning.halfLifeDays,
    }),
    index: new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries }),
    customers,
    suppressions: new DynamoSuppressionWriter(local.doc, { tableName: local.tables.customers }),
    telemetry: { record: () => undefined },
    clock,
    get wakes() {
      return scheduler;
    },
  };
});
afterAll(() => local.client.destroy());
beforeEach(() => {
  scheduler = new MemoryWakeScheduler();
  for (const sender of Object.values(senders)) sender.sent.length = 0;
});

async function putCustomer(customer: Customer): Promise<void> {
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: JSON.parse(JSON.stringify(customer)) as Record<string, unknown> }));
}

function run(...bodies: unknown[]) {
  return orchestrateBatch(
    bodies.map((body) => ({ messageId: `m-${++sequence}`, body: JSON.stringify(body) })),
    orchestrator,
  );
}

async function rawItem(requestId: string): Promise<Record<string, unknown> | undefined> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }))).Item;
}

function takeWake() {
  const [wake] = scheduler.list();
  if (!wake) throw new Error('no wake is pending');
  if (wake.due.getTime() > now.getTime()) now = new Date(wake.due);
  return scheduler.take(wake);
}

describe('deferral on the deliveries table', () => {
  it('stores DEFERRED with its wake, ignores the request coming again, and sends once when the wake arrives twice at the same time', async () => {
    now = new Date('2026-11-24T17:00:00Z');
    const { email: _email, inApp: _inApp, ...phoneOnly } = reachableCustomer('c-tokyo', { timeZone: 'Asia/Tokyo' });
    await putCustomer(phoneOnly);
    const request = { requestId: 'tz-1', customerId: 'c-tokyo', template: 'order-update', data: { item: 'boots' } };
    expect(await run(request)).toEqual([expect.objectContaining({ status: 'DEFERRED', reason: 'QUIET_HOURS' })]);
    expect(await rawItem('tz-1')).toMatchObject({
      status: 'DEFERRED',
      deferredUntil: '2026-11-24T23:00:00.000Z',
      wake: { token: 'd1', kind: 'deferral' },
      request: { requestId: 'tz-1' },
    });
    expect(await run(request)).toEqual([expect.objectContaining({ status: 'DUPLICATE', reason: 'already DEFERRED' })]);

    const wake = takeWake();
    const outcomes = await Promise.all([run(wake), run(wake)]);
    expect(
      outcomes
        .flat()
        .map((o) => o.status)
        .sort(),
    ).toEqual(['RETRY', 'SENT']);
    expect(senders.push.sent).toHaveLength(1);
    expect(await run(wake)).toEqual([expect.objectContaining({ status: 'DUPLICATE', reason: 'STALE_WAKE' })]);

    const item = await rawItem('tz-1');
    expect(item).toMatchObject({ status: 'SENT', channel: 'push' });
    // Nothing waits: the wake, the stored request and the lease are gone from the item.
    for (const gone of ['wake', 'request', 'deferredUntil', 'leaseUntil']) expect(item).not.toHaveProperty(gone);
    expect((item?.timeline as { status: string }[]).map((event) => event.status)).toEqual(['ACCEPTED', 'DEFERRED', 'SENT']);
  });

  it('is SUPPRESSED at wake time when consent was withdrawn while it waited', async () => {
    now = new Date('2026-11-24T17:00:00Z');
    const { email: _email, inApp: _inApp, ...phoneOnly } = reachableCustomer('c-sleeper', { timeZone: 'Asia/Tokyo' });
    await putCustomer(phoneOnly);
    await run({ requestId: 'tz-2', customerId: 'c-sleeper', template: 'order-update', data: { item: 'boots' } });
    await putCustomer({ ...phoneOnly, consent: { push: { '*': 'opt_out' }, sms: { '*': 'opt_out' } } });
    expect(await run(takeWake())).toEqual([expect.objectContaining({ status: 'SUPPRESSED' })]);
    expect(senders.push.sent.length + senders.sms.sent.length).toBe(0);
  });
});

describe('escalation on the deliveries table, with engagement from the feedback loop', () => {
  it('goes in-app → push while unread, and stops once the push is opened', async () => {
    now = new Date('2026-11-24T12:00:00Z');
    // Email goes unread with this customer: push is the step after in-app.
    await putCustomer(reachableCustomer('c-app', opensOfTen({ email: 0 })));
    const request = {
      requestId: 'esc-1',
      customerId: 'c-app',
      template: 'order-update',
      data: { item: 'boots' },
      strategy: 'escalate',
      escalateAfter: 'PT30M',
      channels: ['in_app', 'push', 'email'],
      context: { sessionActive: true },
    };
    expect(await run(request)).toEqual([expect.objectContaining({ status: 'SENT', channels: ['in_app'] })]);
    expect(await run(takeWake())).toEqual([expect.objectContaining({ status: 'SENT', channels: ['push'] })]);

    now = new Date(now.getTime() + 5 * MINUTE);
    const opened = await applyFeedbackEvent(fromAppPushEvent({ requestId: 'esc-1', customerId: 'c-app', kind: 'opened', at: now }), feedback);
    expect(opened).toMatchObject({ outcome: 'applied' });
    // The engagement brings the next look forward to now: the escalation ends at once, not in 25 minutes.
    expect(scheduler.list()).toEqual([expect.objectContaining({ kind: 'escalation', due: now })]);
    expect(await run(takeWake())).toEqual([expect.objectContaining({ status: 'ESCALATED', reason: 'engaged' })]);
    expect(senders.email.sent).toHaveLength(0);

    const item = await rawItem('esc-1');
    expect(item).toMatchObject({ status: 'OPENED', channels: ['in_app', 'push'], escalation: { stopped: { cause: 'engaged', reason: 'engaged on push' } } });
    expect(item).not.toHaveProperty('wake');
    expect(item).not.toHaveProperty('request');
    expect(item).not.toHaveProperty('leaseUntil');
    const sent = (item?.timeline as { status: string; channel?: string; detail?: string }[]).filter((event) => event.status === 'SENT');
    expect(sent.map((event) => [event.channel, event.detail])).toEqual([
      ['in_app', undefined],
      ['push', 'no engagement on in_app within 30 min → push'],
    ]);
  });

  it('stops at the first step when the in-app message is read in time', async () => {
    now = new Date('2026-11-24T12:00:00Z');
    await putCustomer(reachableCustomer('c-reader'));
    await run({ requestId: 'esc-2', customerId: 'c-reader', template: 'order-update', data: { item: 'boots' }, strategy: 'escalate', context: { sessionActive: true } });
    now = new Date(now.getTime() + 2 * MINUTE);
    await applyFeedbackEvent(fromInboxAction({ requestId: 'esc-2', customerId: 'c-reader', action: 'read', at: now }), feedback);
    expect(await run(takeWake())).toEqual([expect.objectContaining({ status: 'ESCALATED', reason: 'engaged' })]);
    expect(senders.push.sent).toHaveLength(0);
    expect(scheduler.list()).toEqual([]);
  });
});
