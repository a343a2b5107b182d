import { Logger } from '@aws-lambda-powertools/logger';
import { marshall, NumberValueImpl } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MemoryStatusEventBus } from '../../functions/adapters/memory/status-event-bus.js';
import { ConfigError } from '../../functions/core/errors.js';
import { readEventPublisherConfig } from '../../functions/event-publisher/config.js';
import { createEventPublisherHandler } from '../../functions/event-publisher/create-handler.js';
import { context } from '../support/inbox-world.js';

const AT = '2026-11-24T10:00:00.000Z';
const logger = new Logger({ serviceName: 'switchboard-event-publisher', logLevel: 'SILENT' });
const record = (requestId: string, status: string, extra: Record<string, unknown> = {}) => ({
  requestId,
  customerId: 'c-1',
  template: 'order-shipped',
  status,
  attempts: [],
  timeline: [],
  createdAt: AT,
  updatedAt: AT,
  // Numbers as stored: a lease in milliseconds, a time to live, and a score no JavaScript number or bigint holds.
  leaseUntil: 1_795_000_000_000,
  expiresAtEpoch: 1_830_000_000,
  decision: { ranked: [{ channel: 'email', score: new NumberValueImpl('123456789012345678901234567890.5'), reasons: [], components: {} }], excluded: [] },
  ...extra,
});

/** A stream record as Lambda hands it over: DynamoDB JSON images and a sequence number. */
function streamRecord(sequence: string, before: object | undefined, after: object | undefined): DynamoDBRecord {
  return {
    eventID: `e-${sequence}`,
    eventName: before && after ? 'MODIFY' : after ? 'INSERT' : 'REMOVE',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-central-1',
    eventSourceARN: 'arn:aws:dynamodb:eu-central-1:123456789012:table/switchboard-dev-deliveries/stream/2026-11-24T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: Date.parse(AT) / 1000,
      SequenceNumber: sequence,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      Keys: marshall({ requestId: 'x' }) as never,
      ...(before ? { OldImage: marshall(before) as never } : {}),
      ...(after ? { NewImage: marshall(after) as never } : {}),
    },
  };
}

describe('the event publisher handler', () => {
  it('publishes the status changes of a stream batch and reports nothing failed', async () => {
    const bus = new MemoryStatusEventBus();
    const handler = createEventPublisherHandler({ bus }, logger);
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord('100', undefined, record('r-1', 'ACCEPTED')),
        streamRecord('101', record('r-1', 'ACCEPTED'), record('r-1', 'SENT', { channel: 'email' })),
        streamRecord('102', undefined, { requestId: 'provider#sms#m-1', kind: 'provider-message', target: 'r-1', createdAt: AT, expiresAtEpoch: 1_830_000_000 }),
        streamRecord('103', record('r-2', 'SENT'), undefined),
      ],
    };
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(bus.events.map((e) => [e.detailType, e.detail.requestId, e.detail.previousStatus])).toEqual([['Delivery Sent', 'r-1', 'ACCEPTED']]);
  });

  it('names the records whose events the bus refused by their sequence numbers', async () => {
    const bus = new MemoryStatusEventBus((e) => (e.detail.requestId === 'r-2' ? 'InternalFailure' : undefined));
    const handler = createEventPublisherHandler({ bus }, logger);
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord('200', record('r-1', 'ACCEPTED'), record('r-1', 'SUPPRESSED')),
        streamRecord('201', record('r-2', 'SENT'), record('r-2', 'DELIVERED')),
        streamRecord('202', record('r-3', 'SENT'), record('r-3', 'BOUNCED')),
      ],
    };
    expect(await handler(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: '201' }] });
    expect(bus.events.map((e) => e.detailType)).toEqual(['Delivery Suppressed', 'Delivery Bounced']);
  });

  it('decodes only what an event is built from: the stored request is never read', async () => {
    const bus = new MemoryStatusEventBus();
    const handler = createEventPublisherHandler({ bus }, logger);
    const record = streamRecord(
      '300',
      { requestId: 'r-4', customerId: 'c-1', status: 'ACCEPTED', updatedAt: AT },
      { requestId: 'r-4', customerId: 'c-1', status: 'DEFERRED', updatedAt: AT },
    );
    // An attribute no decoder understands, where the request and its data are kept.
    Object.assign(record.dynamodb?.NewImage ?? {}, { request: {} });
    expect(await handler({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(bus.events.map((e) => e.detailType)).toEqual(['Delivery Deferred']);
  });
});

describe('the event publisher configuration', () => {
  it('reads the bus name and refuses to start without one', () => {
    expect(readEventPublisherConfig({ EVENT_BUS_NAME: 'switchboard-prod' })).toEqual({ busName: 'switchboard-prod' });
    expect(() => readEventPublisherConfig({})).toThrow(ConfigError);
    expect(() => readEventPublisherConfig({ EVENT_BUS_NAME: '' })).toThrow(/EVENT_BUS_NAME is required/);
  });
});
