import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { DynamoFeedbackStore } from '../../functions/adapters/dynamo-feedback-store.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { EventBridgeStatusEvents } from '../../functions/adapters/eventbridge-status-events.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import type { DeliveryStatusDetail } from '../../functions/core/events/delivery-status-event.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { createEventPublisherHandler } from '../../functions/event-publisher/create-handler.js';
import { localDynamoDbStreamsClient } from '../../functions/local/clients.js';
import { lambdaContext } from '../../functions/local/lambda-context.js';
import { startStatusStream, type StatusStreamPoller } from '../../functions/local/status-stream.js';
import { synthesize } from '../infra/synth.js';
import { awsError } from '../support/aws-errors.js';
import { DeployedStack, simulate, unexercisedGrants } from '../support/iam-simulation.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { SdkCallLog } from '../support/sdk-calls.js';

/**
 * The deployed path on DynamoDB Local: real writes to the deliveries table, its stream read as
 * Lambda's mapping reads it, the publisher's handler code, and its EventBridge adapter (the
 * service itself mocked). Every call on the way must be allowed by the synthesized publisher role.
 */
const BUS = 'switchboard-it';
const AT = new Date('2026-11-24T10:00:00.000Z');
const later = (ms: number) => new Date(AT.getTime() + ms);
const eventBridge = mockClient(EventBridgeClient);
let local: LocalTables;
let calls: SdkCallLog;
let undo: () => void;
let streams: DynamoDBStreamsClient;
let poller: StatusStreamPoller;
let log: DynamoDeliveryLog;
const errors: unknown[] = [];
/** How many PutEvents calls to come EventBridge refuses. */
let refusals = 0;

/** What was put, in order: one entry per event, a retried one again. */
const putEntries = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      bus: entry.EventBusName,
      source: entry.Source,
      type: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as DeliveryStatusDetail,
    })),
  );
const typesOf = (requestId: string) => putEntries().flatMap((entry) => (entry.detail.requestId === requestId ? [entry.type] : []));

beforeAll(async () => {
  local = await localTables('events');
  calls = new SdkCallLog({ tables: local.tables, eventBus: BUS });
  // The test's own writes, and the poller's look-up of the stream (Lambda is given its ARN), stay uncounted.
  undo = calls.recordClients([DynamoDBStreamsClient], [local.client, local.doc]);
  streams = localDynamoDbStreamsClient(inject('dynamoDbEndpoint'));
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    if (refusals > 0) {
      refusals--;
      throw awsError('AccessDeniedException');
    }
    return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })) };
  });
  const bus = new EventBridgeStatusEvents(new EventBridgeClient({ region: 'eu-central-1' }), { busName: BUS, backoff: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  poller = await startStatusStream({
    dynamo: local.client,
    streams,
    tableName: local.tables.deliveries,
    handler: createEventPublisherHandler({ bus }, new Logger({ serviceName: 'switchboard-event-publisher', logLevel: 'SILENT' })),
    context: () => lambdaContext('switchboard-event-publisher', 30, 'eu-central-1'),
    pollMs: 25,
    onError: (error) => errors.push(error),
  });
  log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
}, 30_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  await poller?.stop();
  undo?.();
  streams?.destroy();
  local?.client.destroy();
  eventBridge.restore();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

const finished = (requestId: string, fields: Partial<DeliveryRecord>): DeliveryRecord => ({
  requestId,
  customerId: 'c-1',
  template: 'order-shipped',
  category: 'transactional',
  topic: 'order-updates',
  strategy: 'failover',
  status: 'SENT',
  attempts: [],
  timeline: [],
  createdAt: AT.toISOString(),
  updatedAt: later(1_000).toISOString(),
  ...fields,
});

describe('status events from the deliveries stream', () => {
  it('announces each status as it is stored, once, and nothing for claims, wake claims or provider id mappings', async () => {
    await log.claim({ requestId: 'r-sent', customerId: 'c-1', template: 'order-shipped', createdAt: AT.toISOString(), now: AT, leaseMs: 60_000 });
    await log.finish(
      finished('r-sent', {
        channel: 'email',
        attempts: [{ channel: 'email', at: later(1_000).toISOString(), outcome: 'SENT', providerMessageId: 'ses-1' }],
        timeline: [{ status: 'SENT', at: later(1_000).toISOString(), channel: 'email' }],
      }),
    );
    await new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries }).rememberAll(
      [{ channel: 'email', providerMessageId: 'ses-1', requestId: 'r-sent' }],
      later(1_000),
    );
    // The provider reports delivery: feedback moves the status on.
    const delivered = { status: 'DELIVERED' as const, at: later(2_000).toISOString(), channel: 'email' as const, eventId: 'ses:ses-1:delivery' };
    await new DynamoFeedbackStore(local.doc, {
      deliveriesTable: local.tables.deliveries,
      customersTable: local.tables.customers,
      halfLifeDays: defaultDecisionConfig.learning.halfLifeDays,
    }).record({
      requestId: 'r-sent',
      customerId: 'c-1',
      eventId: delivered.eventId,
      seen: { limit: 50, startGeneration: false },
      timelineEvent: delivered,
      status: { to: 'DELIVERED', from: ['ACCEPTED', 'SENT'] },
      updatedAt: delivered.at,
    });
    // Deferred, woken (claimed back to ACCEPTED), then sent.
    await log.claim({ requestId: 'r-deferred', customerId: 'c-1', template: 'order-shipped', createdAt: AT.toISOString(), now: AT, leaseMs: 60_000 });
    const due = later(8 * 3_600_000).toISOString();
    await log.finish(finished('r-deferred', { status: 'DEFERRED', deferredUntil: due, wake: { token: 'd1', kind: 'deferral', due }, request: { data: { orderNumber: 'FH-1' } } }));
    expect(await log.claimWake({ requestId: 'r-deferred', token: 'd1', kind: 'deferral', now: later(8 * 3_600_000), leaseMs: 60_000 })).toMatchObject({ kind: 'claimed' });
    await log.finish(finished('r-deferred', { channel: 'push', updatedAt: later(8 * 3_600_000 + 500).toISOString() }));
    await log.reject(finished('sqs:m-1', { customerId: '', status: 'REJECTED', problems: [{ path: 'customerId', message: 'Required' }] }));

    expect(await poller.settle(15_000)).toBe(true);
    expect(errors).toEqual([]);
    expect(typesOf('r-sent')).toEqual(['Delivery Sent', 'Delivery Delivered']);
    expect(typesOf('r-deferred')).toEqual(['Delivery Deferred', 'Delivery Sent']);
    expect(typesOf('sqs:m-1')).toEqual(['Delivery Rejected']);
    expect(putEntries().every((entry) => entry.bus === BUS && entry.source === 'switchboard')).toBe(true);
    const details = putEntries().map((entry) => entry.detail);
    expect(details.find((d) => d.requestId === 'r-deferred' && d.status === 'DEFERRED')).toMatchObject({ previousStatus: 'ACCEPTED', deferredUntil: due });
    expect(details.find((d) => d.requestId === 'r-deferred' && d.status === 'SENT')).toMatchObject({ previousStatus: 'ACCEPTED', channel: 'push' });
    expect(details.find((d) => d.requestId === 'sqs:m-1')).not.toHaveProperty('previousStatus');
    expect(JSON.stringify(details)).not.toContain('FH-1');
  }, 30_000);

  it('hands a refused event back to the stream and announces it again with the same id', async () => {
    const before = putEntries().length;
    refusals = 1;
    await log.claim({ requestId: 'r-retried', customerId: 'c-1', template: 'order-shipped', createdAt: AT.toISOString(), now: AT, leaseMs: 60_000 });
    await log.finish(finished('r-retried', { status: 'SUPPRESSED' }));

    expect(await poller.settle(15_000)).toBe(true);
    const tries = putEntries()
      .slice(before)
      .filter((entry) => entry.detail.requestId === 'r-retried');
    expect(tries.map((entry) => entry.type)).toEqual(['Delivery Suppressed', 'Delivery Suppressed']);
    expect(new Set(tries.map((entry) => entry.detail.eventId)).size).toBe(1);
  }, 30_000);

  it('made only calls the synthesized publisher role allows, and the role holds no grant they leave unused', async () => {
    calls.addMocked('EventBridge', eventBridge);
    const requests = calls.requests();
    expect([...new Set(requests.map((r) => r.action))].sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'events:PutEvents']);
    const synthesized = synthesize();
    try {
      const stack = new DeployedStack(synthesized.template.toJSON(), { stackName: synthesized.stack.stackName });
      const policies = stack.policiesOf('switchboard-event-publisher');
      expect((await simulate(stack, policies, requests)).filter((v) => v.result !== 'Allowed')).toEqual([]);
      expect(unexercisedGrants(stack, policies, requests)).toEqual([]);
    } finally {
      synthesized.cleanup();
    }
  }, 60_000);
});
