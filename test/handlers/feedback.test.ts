import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import type { Customer, DeliveryRecord } from '../../functions/core/model.js';
import { deliveredEntry } from '../../functions/local/status-events.js';
import { statusEntriesOf } from '../../functions/sms-status-fanout/status-events.js';
import { awslogsEvent, FIXTURE_CUSTOMER_ID, FIXTURE_REQUEST_ID, type SesFixture, sesFixture, smsFixture, smsFixtureMessageId } from '../support/feedback-fixtures.js';
import { handlerTables, type LocalTables } from '../support/local-aws.js';

type Handler = (event: unknown, context: Context) => Promise<Record<string, number>>;

const FANOUT_MESSAGE_ID = 'b6a1e5d0-0000-4000-8000-fan0ut000001';

let local: LocalTables;
let handler: Handler;
let stdout: string[] = [];
const context = { functionName: 'switchboard-feedback', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

beforeAll(async () => {
  // Debug logs and metrics on, so the tests can read both and prove no personal data reaches them.
  local = await handlerTables('fbh', { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' });
  ({ handler } = (await import('../../functions/feedback/handler.js')) as unknown as { handler: Handler });
  const at = '2026-11-24T12:00:00.000Z';
  const customer: Customer = {
    customerId: FIXTURE_CUSTOMER_ID,
    email: { address: 'customer@example.com', status: 'active' },
    phone: { number: '+4915100000000', status: 'active' },
    consent: { email: { '*': 'opt_in' }, sms: { '*': 'opt_in' } },
  };
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: customer }));
  const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  const index = new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries });
  for (const [requestId, channel] of [
    [FIXTURE_REQUEST_ID, 'email'],
    ['r-sms-1', 'sms'],
    ['r-sms-2', 'sms'],
    ['r-sms-3', 'sms'],
  ] as const) {
    await log.claim({ requestId, customerId: FIXTURE_CUSTOMER_ID, template: 'cart-reminder', createdAt: at, now: new Date(at), leaseMs: 60_000 });
    await log.finish({
      requestId,
      customerId: FIXTURE_CUSTOMER_ID,
      template: 'cart-reminder',
      category: 'marketing',
      topic: 'promotions',
      strategy: 'failover',
      status: 'SENT',
      channel,
      attempts: [{ channel, at, outcome: 'SENT' }],
      timeline: [{ status: 'SENT', at, channel }],
      createdAt: at,
      updatedAt: at,
    });
  }
  await index.remember('sms', smsFixtureMessageId('sms-success'), 'r-sms-1', new Date(at));
  await index.remember('sms', smsFixtureMessageId('sms-opted-out'), 'r-sms-2', new Date(at));
  await index.remember('sms', FANOUT_MESSAGE_ID, 'r-sms-3', new Date(at));
});
afterAll(() => local.client.destroy());

beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  stdout = [];
});

async function delivery(requestId: string): Promise<DeliveryRecord> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.deliveries, Key: { requestId }, ConsistentRead: true }))).Item as DeliveryRecord;
}
async function customer(): Promise<Customer> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: FIXTURE_CUSTOMER_ID }, ConsistentRead: true }))).Item as Customer;
}
const ses = (name: SesFixture) => handler(sesFixture(name), context);

/** The EMF documents printed during the invocation: metric name → dimension sets. */
function metrics(): Map<string, string[][]> {
  const found = new Map<string, string[][]>();
  for (const line of stdout.join('').split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
    for (const directive of emf._aws.CloudWatchMetrics) for (const metric of directive.Metrics) found.set(metric.Name, directive.Dimensions);
  }
  return found;
}

describe('feedback handler, SES events from EventBridge', () => {
  it('applies each event, counts a redelivered one once, and never lets a late delivery undo a click', async () => {
    expect(await ses('ses-send')).toEqual({ applied: 1, duplicate: 0, unmatched: 0, mismatch: 0, ignored: 0 });
    await ses('ses-click');
    await ses('ses-open');
    expect(await ses('ses-delivery')).toMatchObject({ applied: 1 });
    expect(await ses('ses-delivery')).toMatchObject({ applied: 0, duplicate: 1 });
    const record = await delivery(FIXTURE_REQUEST_ID);
    expect(record.status).toBe('CLICKED');
    expect(record.timeline.map((e) => e.status)).toEqual(['ACCEPTED', 'SENT', 'SENT', 'CLICKED', 'OPENED', 'DELIVERED']);
    expect((await customer()).engagement?.email).toMatchObject({ delivered: 1, opened: 1, clicked: 1 });
  });

  it('publishes engagement by channel and by channel and template', async () => {
    await ses('ses-bounce-transient');
    expect(metrics().get('Bounced')).toEqual([
      ['service', 'channel'],
      ['service', 'channel', 'template'],
    ]);
    expect(metrics().get('FeedbackEvents')).toEqual([['service', 'outcome', 'channel']]);
  });

  it('turns a complaint into marketing opt-outs and a suppression metric, with no address in the logs', async () => {
    await ses('ses-complaint');
    expect((await delivery(FIXTURE_REQUEST_ID)).status).toBe('COMPLAINED');
    expect((await customer()).consent?.email).toEqual({ promotions: { value: 'opt_out', updatedAt: '2026-11-24T14:04:58.000Z', source: 'complaint' } });
    expect(metrics().get('SuppressionChanges')).toEqual([['service', 'reason']]);
    expect(metrics().get('Complained')).toBeDefined();
    expect(stdout.join('')).not.toContain('customer@example.com');
  });

  it('counts what is not an SES event or not handled as ignored, without failing', async () => {
    expect(await handler({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }, context)).toMatchObject({ ignored: 1 });
    const odd = sesFixture('ses-send');
    odd.detail.eventType = 'Teleport';
    expect(await handler(odd, context)).toMatchObject({ ignored: 1, applied: 0 });
  });
});

describe('feedback handler, SMS status logs from a subscription filter', () => {
  it('applies a batch, finds each request through its SNS message id and reports what it cannot place', async () => {
    const batch = awslogsEvent([smsFixture('sms-success'), smsFixture('sms-opted-out'), smsFixture('sms-failure', 'not-one-of-ours')]);
    expect(await handler(batch, context)).toEqual({ applied: 2, duplicate: 0, unmatched: 1, mismatch: 0, ignored: 0 });
    expect((await delivery('r-sms-1')).status).toBe('DELIVERED');
    expect((await delivery('r-sms-2')).status).toBe('FAILED');
    const after = await customer();
    expect(after.phone).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    expect(after.consent?.sms?.['*']).toMatchObject({ value: 'opt_out', source: 'sms_opt_out' });
    expect(after.engagement?.sms).toEqual({ delivered: 1 });
    expect(stdout.join('')).not.toContain('4915100000000');
  });

  it('ignores the control message CloudWatch Logs sends when the subscription is created', async () => {
    expect(await handler(awslogsEvent([], 'CONTROL_MESSAGE'), context)).toEqual({ applied: 0, duplicate: 0, unmatched: 0, mismatch: 0, ignored: 0 });
  });

  it('counts a payload it cannot decode, or a log event without a message, as ignored instead of failing the invocation', async () => {
    expect(await handler({ awslogs: { data: 'this is not gzip' } }, context)).toEqual({ applied: 0, duplicate: 0, unmatched: 0, mismatch: 0, ignored: 1 });
    const holes = awslogsEvent([smsFixture('sms-failure', 'not-one-of-ours')]);
    const payload = JSON.parse(gunzipSync(Buffer.from(holes.awslogs.data, 'base64')).toString('utf8')) as { logEvents: unknown[] };
    payload.logEvents.push(null, { id: 'x', message: 7 });
    const broken = { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
    expect(await handler(broken, context)).toEqual({ applied: 0, duplicate: 0, unmatched: 1, mismatch: 0, ignored: 2 });
  });

  it('ignores a record whose log time no date can hold instead of failing the invocation', async () => {
    const record = JSON.parse(smsFixture('sms-success')) as { notification: { timestamp?: string } };
    delete record.notification.timestamp;
    const event = awslogsEvent([JSON.stringify(record)]);
    const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as { logEvents: { timestamp: number }[] };
    for (const logEvent of payload.logEvents) logEvent.timestamp = 1e300;
    expect(await handler({ awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } }, context)).toMatchObject({ applied: 0, ignored: 1 });
  });
});

describe('feedback handler, SMS statuses the fan-out put on the default bus', () => {
  /** The status records as a stage's rule delivers them: through the fan-out's own conversion, one event each. */
  const busEvents = (messages: string[]) => statusEntriesOf(awslogsEvent(messages)).entries.map((entry) => deliveredEntry(entry, 'eu-central-1'));

  it('applies a status once, whichever path brings it again', async () => {
    const [event] = busEvents([smsFixture('sms-success', FANOUT_MESSAGE_ID)]);
    expect(event).toMatchObject({ source: 'switchboard.sms-status', 'detail-type': 'SNS SMS delivery status' });
    expect(await handler(event, context)).toEqual({ applied: 1, duplicate: 0, unmatched: 0, mismatch: 0, ignored: 0 });
    expect((await delivery('r-sms-3')).status).toBe('DELIVERED');
    expect(await handler(event, context)).toMatchObject({ applied: 0, duplicate: 1 });
    // A stage still subscribed directly reads the same record into the same event.
    expect(await handler(awslogsEvent([smsFixture('sms-success', FANOUT_MESSAGE_ID)]), context)).toMatchObject({ applied: 0, duplicate: 1 });
  });

  it("counts another stage's status as unmatched and a malformed detail as ignored, without failing", async () => {
    const [other] = busEvents([smsFixture('sms-failure', 'another-stages-message')]);
    expect(await handler(other, context)).toEqual({ applied: 0, duplicate: 0, unmatched: 1, mismatch: 0, ignored: 0 });
    expect(await handler({ source: 'switchboard.sms-status', detail: { record: 'text', loggedAt: 1 } }, context)).toEqual({
      applied: 0,
      duplicate: 0,
      unmatched: 0,
      mismatch: 0,
      ignored: 1,
    });
  });
});
