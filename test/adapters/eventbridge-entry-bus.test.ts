import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEntryBus } from '../../functions/adapters/eventbridge-entry-bus.js';
import type { BusEntry } from '../../functions/core/events/ports.js';
import { awsError } from '../support/aws-errors.js';
import { putEventsAnswer, recordedBackoff } from '../support/put-events.js';

const client = new EventBridgeClient({ region: 'eu-central-1' });
const eventBridge = mockClient(client);
const sleeps: number[] = [];
const bus = (maxAttempts = 3) => new EventBridgeEntryBus(client, recordedBackoff(sleeps, maxAttempts));

const entry = (n: number): BusEntry => ({
  EventBusName: 'default',
  Source: 'switchboard.sms-status',
  DetailType: 'SNS SMS delivery status',
  Detail: JSON.stringify({ n }),
  Time: new Date(Date.UTC(2026, 10, 24, 12, 0, n)),
});
const entries = (count: number) => Array.from({ length: count }, (_, i) => entry(i));
const numbersOf = (call: number) =>
  ((eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input as PutEventsCommandInput).Entries ?? []).map((e) => (JSON.parse(e.Detail ?? '{}') as { n: number }).n);
const answer = putEventsAnswer;

beforeEach(() => {
  eventBridge.reset();
  sleeps.length = 0;
});

describe('EventBridgeEntryBus', () => {
  it('puts the entries as they are, ten per call', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => answer(input.Entries?.length ?? 0));
    expect(await bus().put(entries(21))).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 1]);
    expect(eventBridge.commandCalls(PutEventsCommand)[2]?.args[0].input.Entries).toEqual([entry(20)]);
  });

  it('puts again, after a pause, only the entries a call refused', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(answer(3, { 0: 'ThrottlingException', 2: 'InternalFailure' }))
      .resolves(answer(2));
    expect(await bus().put(entries(3))).toEqual([]);
    expect(numbersOf(1)).toEqual([0, 2]);
    expect(sleeps).toEqual([50]);
  });

  it('reports by position, with its code, what is still refused after the last try', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(answer(10))
      .resolvesOnce(answer(2, { 1: 'InternalFailure' }))
      .resolvesOnce(answer(1, { 0: 'InternalFailure' }))
      .resolvesOnce(answer(1, { 0: 'ThrottlingException' }));
    expect(await bus(3).put(entries(12))).toEqual([{ index: 11, code: 'ThrottlingException' }]);
    expect(numbersOf(3)).toEqual([11]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('tries a whole call that failed retryably again', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(awsError('ThrottlingException', { status: 400, extra: { $retryable: { throttling: true } } }))
      .resolves(answer(2));
    expect(await bus().put(entries(2))).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('reports every entry of a call refused for good, at once and by its code', async () => {
    eventBridge.on(PutEventsCommand).rejects(awsError('AccessDeniedException', { status: 400 }));
    expect(await bus().put(entries(2))).toEqual([
      { index: 0, code: 'AccessDeniedException' },
      { index: 1, code: 'AccessDeniedException' },
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('makes no call for no entries', async () => {
    expect(await bus().put([])).toEqual([]);
    expect(eventBridge.calls()).toHaveLength(0);
  });
});
