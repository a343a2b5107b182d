import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleTemplateStore } from '../../functions/adapters/bundle-template-store.js';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoEngagementRecorder } from '../../functions/adapters/dynamo-engagement-recorder.js';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { DynamoFrequencyCounter } from '../../functions/adapters/dynamo-frequency-counter.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { DynamoSuppressionWriter } from '../../functions/adapters/dynamo-suppression-writer.js';
import { CapturingSender } from '../../functions/adapters/memory/capturing-sender.js';
import { MemoryWakeScheduler } from '../../functions/adapters/memory/wake-scheduler.js';
import { MemoryTelemetry } from '../../functions/adapters/memory/telemetry.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { applyFeedbackEvent, type FeedbackDeps } from '../../functions/core/feedback/apply.js';
import { reportPushEngagement } from '../../functions/core/feedback/inbox.js';
import { fromSesEventBridge } from '../../functions/core/feedback/ses.js';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import { type OrchestratorDeps, orchestrateBatch, type Outcome } from '../../functions/core/orchestrate.js';
import type { Clock } from '../../functions/core/ports.js';
import { CustomerRenderer } from '../../functions/core/render/customer-renderer.js';
import { sesFixture } from '../support/feedback-fixtures.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { reachableCustomer, testTemplate } from '../support/orchestrator-harness.js';

const DAY_MS = 86_400_000;
const CUSTOMER = 'c-loop';

let local: LocalTables;
let now = new Date('2026-11-02T12:00:00Z');
const clock: Clock = { now: () => now };
const email = new CapturingSender('email');
const push = new CapturingSender('push');
let orchestrator: OrchestratorDeps;
let feedback: FeedbackDeps;
let deliveries: DynamoDeliveryLog;
let sequence = 0;

beforeAll(async () => {
  local = await localTables('loop');
  const customers = new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers });
  deliveries = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const template = testTemplate({ channels: ['push', 'email'] });
  const receipt = testTemplate({ id: 'test-receipt', category: 'transactional', topic: 'order-updates', channels: ['push', 'email'] });
  orchestrator = {
    customers,
    deliveries,
    counter: new DynamoFrequencyCounter(local.doc, { tableName: local.tables.counters }),
    templates: new BundleTemplateStore({ formatVersion: 1, templates: { [template.manifest.id]: template, [receipt.manifest.id]: receipt } }),
    senders: { email, push },
    engagement: new DynamoEngagementRecorder(local.doc, { tableName: local.tables.customers }),
    renderer: new CustomerRenderer(),
    telemetry: new MemoryTelemetry(),
    clock,
    decisionConfig: defaultDecisionConfig,
    leaseMs: 60_000,
    concurrency: 4,
    scheduler: new MemoryWakeScheduler(),
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
  };
  const customer: Customer = reachableCustomer(CUSTOMER, { phone: undefined, inApp: { enabled: false } });
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: JSON.parse(JSON.stringify(customer)) }));
});
afterAll(() => local.client.destroy());

async function send(request: { strategy: 'best' | 'all'; template?: 'test-receipt' }): Promise<{ outcome: Outcome; record: DeliveryRecord }> {
  const requestId = `loop-${++sequence}`;
  const [outcome] = await orchestrateBatch(
    [{ messageId: `m-${sequence}`, body: JSON.stringify({ requestId, customerId: CUSTOMER, template: 'test-offer', data: { item: 'boots' }, ...request }) }],
    orchestrator,
  );
  const record = await deliveries.getDelivery(requestId);
  if (!outcome || !record) throw new Error(`no outcome for ${requestId}`);
  return { outcome, record };
}

/** What SES reports for the latest email: delivered, then (when asked) a permanent bounce. */
async function sesReports(record: DeliveryRecord, names: ('ses-delivery' | 'ses-bounce-permanent')[]): Promise<void> {
  const messageId = record.attempts.find((a) => a.channel === 'email')?.providerMessageId;
  for (const name of names) {
    const result = fromSesEventBridge(sesFixture(name, { requestId: record.requestId, customerId: CUSTOMER, ...(messageId ? { messageId } : {}) }));
    if (!result.ok) throw new Error(result.reason);
    expect(await applyFeedbackEvent(result.event, feedback)).toMatchObject({ outcome: 'applied' });
  }
}

describe('the feedback loop closes', () => {
  it('moves a customer who opens push and ignores email from email to push, then away from email entirely after a hard bounce', async () => {
    const first = await send({ strategy: 'best' });
    expect(first.outcome.channels).toEqual(['email']);
    await sesReports(first.record, ['ses-delivery']);

    for (let round = 0; round < 5; round++) {
      now = new Date(now.getTime() + DAY_MS);
      const { outcome, record } = await send({ strategy: 'all' });
      expect(outcome.channels.sort()).toEqual(['email', 'push']);
      await sesReports(record, ['ses-delivery']);
      expect(await reportPushEngagement({ customerId: CUSTOMER, requestId: record.requestId, kind: 'opened' }, { feedback, clock })).toMatchObject({ outcome: 'applied' });
    }

    now = new Date(now.getTime() + DAY_MS);
    const next = await send({ strategy: 'best' });
    expect(next.outcome.channels).toEqual(['push']);
    expect(next.record.decision?.ranked.map((r) => r.channel)).toEqual(['push', 'email']);
    // Each open dated the pushes so far, one day apart; a day after the last they count as faded by age.
    const faded = [1, 2, 3, 4, 5].reduce((sum, days) => sum + 0.5 ** (days / defaultDecisionConfig.learning.halfLifeDays), 0).toFixed(1);
    expect(next.record.decision?.ranked[0]?.reasons.join(' ')).toContain(`${faded} of ${faded} engaged`);

    const lastEmail = (await deliveries.listByCustomer(CUSTOMER, { limit: 10 })).items.find((r) => r.attempts.some((a) => a.channel === 'email'));
    if (!lastEmail) throw new Error('no email was sent');
    await sesReports(lastEmail, ['ses-bounce-permanent']);

    const emailsBefore = email.sent.length;
    now = new Date(now.getTime() + DAY_MS);
    const marketing = await send({ strategy: 'all' });
    const transactional = await send({ strategy: 'all', template: 'test-receipt' });
    for (const { outcome, record } of [marketing, transactional]) {
      expect(outcome.channels).toEqual(['push']);
      expect(record.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'email', reason: 'ADDRESS_SUPPRESSED' }));
    }
    expect(email.sent.length).toBe(emailsBefore);
  });
});
