import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeStatusEvents } from '../../functions/adapters/eventbridge-status-events.js';
import type { DeliveryStatusEvent } from '../../functions/core/events/delivery-status-event.js';
import { awsError } from '../support/aws-errors.js';
import { putEventsAnswer, recordedBackoff } from '../support/put-events.js';

const client = new EventBridgeClient({ region: 'eu-central-1' });
const eventBridge = mockClient(client);
const AT = '2026-11-24T10:00:00.000Z';
const sleeps: number[] = [];
const bus = (maxAttempts = 3) =>
  new EventBridgeStatusEvents(client, {
    busName: 'switchboard-dev',
    backoff: recordedBackoff(sleeps, maxAttempts),
  });

function event(n: number): DeliveryStatusEvent {
  return {
    detailType: 'Delivery Sent',
    time: AT,
    detail: {
      version: '1',
      eventId: `r-${n}#SENT#${AT}`,
      requestId: `r-${n}`,
      customerId: 'c-1',
      status: 'SENT',
      channel: 'email',
      channels: ['email'],
      reasons: { excluded: [], errors: [] },
      at: AT,
      createdAt: AT,
    },
  };
}
const events = (count: number) => Array.from({ length: count }, (_, i) => event(i + 1));
const entriesOf = (call: number): PutEventsRequestEntry[] => (eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input as PutEventsCommandInput).Entries ?? [];
const requestIdsOf = (call: number) => entriesOf(call).map((entry) => (JSON.parse(entry.Detail ?? '{}') as { requestId: string }).requestId);
const answer = putEventsAnswer;

beforeEach(() => {
  eventBridge.reset();
  sleeps.length = 0;
});

// Chunking and retrying are shared with every PutEvents caller: test/adapters/eventbridge-entry-bus.test.ts covers them.
describe('EventBridgeStatusEvents', () => {
  it('puts each event as one entry from source switchboard, on the configured bus, with its detail-type, time and JSON detail', async () => {
    eventBridge.on(PutEventsCommand).resolves(answer(1));
    expect(await bus().publish([event(1)])).toEqual([]);
    expect(entriesOf(0)).toEqual([
      { EventBusName: 'switchboard-dev', Source: 'switchboard', DetailType: 'Delivery Sent', Detail: JSON.stringify(event(1).detail), Time: new Date(AT) },
    ]);
  });

  it('hands back, with their codes, the entries still refused after the last try', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(answer(3, { 0: 'ThrottlingException', 2: 'InternalFailure' }))
      .resolvesOnce(answer(2, { 1: 'InternalFailure' }))
      .resolves(answer(1, { 0: 'InternalFailure' }));
    expect(await bus(3).publish(events(3))).toEqual([{ eventId: `r-3#SENT#${AT}`, code: 'InternalFailure' }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('keeps a refused chunk from stopping the ones after it', async () => {
    eventBridge.on(PutEventsCommand).rejectsOnce(awsError('AccessDeniedException')).resolves(answer(5));
    const failures = await bus().publish(events(15));
    expect(failures.map((f) => f.eventId)).toEqual(events(10).map((e) => e.detail.eventId));
    expect(requestIdsOf(1)).toEqual(['r-11', 'r-12', 'r-13', 'r-14', 'r-15']);
  });

  it('makes no call for no events', async () => {
    expect(await bus().publish([])).toEqual([]);
    expect(eventBridge.calls()).toHaveLength(0);
  });
});
