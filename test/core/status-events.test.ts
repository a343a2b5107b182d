import { fc, test as property } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MemoryStatusEventBus } from '../../functions/adapters/memory/status-event-bus.js';
import { announceStatusChanges } from '../../functions/core/events/announce.js';
import { ANNOUNCED_STATUSES, DETAIL_TYPES, deliveryStatusDetailSchema } from '../../functions/core/events/delivery-status-event.js';
import { statusEventOf } from '../../functions/core/events/status-change.js';
import { DELIVERY_STATUSES, type DeliveryRecord } from '../../functions/core/model.js';

const CLAIMED = '2026-11-24T09:59:59.100Z';
const SENT_AT = '2026-11-24T10:00:00.000Z';

/** A record as the claim leaves it: ACCEPTED, a lease, no createdAt yet. */
const claimed = {
  requestId: 'order-4711-shipped',
  customerId: 'c-3003',
  template: 'order-shipped',
  status: 'ACCEPTED',
  attempts: [],
  timeline: [{ status: 'ACCEPTED', at: CLAIMED }],
  updatedAt: CLAIMED,
  leaseUntil: 1_795_000_000_000,
  expiresAtEpoch: 1_830_000_000,
};

/** The same record once finished: sent by email after push failed, with everything the event must leave out. */
const sent: DeliveryRecord & Record<string, unknown> = {
  ...claimed,
  category: 'transactional',
  topic: 'orders',
  strategy: 'failover',
  status: 'SENT',
  channel: 'email',
  attempts: [
    { channel: 'push', at: SENT_AT, outcome: 'FAILED_PERMANENT', error: { code: 'PUSH_NO_LIVE_TOKEN', message: 'token tok-LIVE-SECRET-1 of lena@example.com is dead' } },
    { channel: 'email', at: SENT_AT, outcome: 'SENT', providerMessageId: 'ses-0100-secret' },
  ],
  decision: {
    ranked: [{ channel: 'push', score: 0.5, reasons: ['context +0.40: customer is in store berlin-mitte'], components: { context: 0.4 } }],
    excluded: [{ channel: 'sms', reason: 'NO_CONSENT', detail: 'no opt-in for +4915100000000' }],
  },
  timeline: [
    { status: 'ACCEPTED', at: CLAIMED },
    { status: 'SENT', at: SENT_AT, channel: 'email', detail: 'to lena@example.com' },
  ],
  problems: [{ path: 'data.note', message: 'data.note "Lena’s secret note" is too long' }],
  request: { requestId: 'order-4711-shipped', data: { note: 'Lena’s secret note', address: 'Hauptstraße 1' } },
  createdAt: '2026-11-24T10:59:58+01:00',
  updatedAt: SENT_AT,
};

describe('a delivery record change', () => {
  it('announces a status moved off ACCEPTED with the contract fields only', () => {
    const event = statusEventOf({ before: claimed, after: sent });
    expect(event).toEqual({
      detailType: 'Delivery Sent',
      time: SENT_AT,
      detail: {
        version: '1',
        eventId: `order-4711-shipped#SENT#${SENT_AT}`,
        requestId: 'order-4711-shipped',
        customerId: 'c-3003',
        template: 'order-shipped',
        category: 'transactional',
        topic: 'orders',
        status: 'SENT',
        previousStatus: 'ACCEPTED',
        channel: 'email',
        channels: ['email'],
        reasons: { excluded: [{ channel: 'sms', reason: 'NO_CONSENT' }], errors: [{ channel: 'push', code: 'PUSH_NO_LIVE_TOKEN' }] },
        at: SENT_AT,
        // Normalized to UTC, as every time in the event.
        createdAt: '2026-11-24T09:59:58.000Z',
      },
    });
    expect(deliveryStatusDetailSchema.strict().parse(event?.detail)).toEqual(event?.detail);
  });

  it('carries no address, token, provider id, content, request data or problem text', () => {
    const text = JSON.stringify(statusEventOf({ before: claimed, after: sent }));
    for (const secret of ['lena@example.com', 'tok-LIVE-SECRET', 'ses-0100-secret', '+49151', 'secret note', 'Hauptstraße', 'berlin-mitte', 'is too long', 'data.note']) {
      expect(text).not.toContain(secret);
    }
  });

  // The marker `zq` occurs nowhere in the contract fields, so any sighting of the value is a leak.
  property.prop([fc.string({ minLength: 4 }).map((text) => `zq${text}`)], { numRuns: 50 })(
    'never lets a value outside the contract reach the event, whatever it is and wherever it sits',
    (secret) => {
      const after = {
        ...sent,
        requestId: 'r-1',
        template: 't-1',
        topic: 'orders',
        attempts: [{ channel: 'email', at: SENT_AT, outcome: 'SENT', providerMessageId: secret, error: { code: 'X', message: secret } }],
        timeline: [{ status: 'SENT', at: SENT_AT, channel: 'email', detail: secret, eventId: secret }],
        decision: { ranked: [{ channel: 'email', score: 1, reasons: [secret], components: {} }], excluded: [{ channel: 'sms', reason: 'NO_ADDRESS', detail: secret }] },
        problems: [{ path: secret, message: secret }],
        request: { data: { [secret]: secret } },
        [secret]: secret,
      };
      expect(JSON.stringify(statusEventOf({ before: claimed, after }))).not.toContain(JSON.stringify(secret).slice(1, -1));
    },
  );

  it.each([
    ['a claim (a new record, ACCEPTED)', undefined, claimed],
    ['a retry noted while ACCEPTED', claimed, { ...claimed, retries: 1, lastRetry: { code: 'LEASE_LOST', at: SENT_AT }, updatedAt: SENT_AT }],
    ['a deferral woken and claimed again (DEFERRED → ACCEPTED)', { ...sent, status: 'DEFERRED' }, { ...sent, status: 'ACCEPTED' }],
    ['a timeline event that moves no status', sent, { ...sent, timeline: [...sent.timeline, { status: 'SENT', at: SENT_AT, detail: 'DELAY' }] }],
    ['a removal by time to live or erasure', sent, undefined],
    ['a provider message id mapping', undefined, { requestId: 'provider#sms#m-1', kind: 'provider-message', target: 'order-4711-shipped', createdAt: SENT_AT }],
    ['an item with an unknown status', claimed, { ...sent, status: 'LOST' }],
    ['an item without the time of its change', claimed, { ...sent, updatedAt: undefined }],
  ])('announces nothing for %s', (_name, before, after) => {
    expect(statusEventOf({ ...(before ? { before } : {}), ...(after ? { after } : {}) })).toBeUndefined();
  });

  it('announces a deferral with its time, the timing reason and the exclusions, and deferring once more after a wake', () => {
    const deferred = {
      ...claimed,
      status: 'DEFERRED',
      channel: undefined,
      decision: {
        ranked: [],
        excluded: [{ channel: 'push', reason: 'QUIET_HOURS', detail: 'until 08:00 Asia/Tokyo' }],
        timing: { outcome: 'defer', reason: 'QUIET_HOURS', until: '2026-11-24T23:00:00.000Z', reasons: ['push is in quiet hours'] },
      },
      deferredUntil: '2026-11-24T23:00:00.000Z',
      createdAt: SENT_AT,
      updatedAt: SENT_AT,
    };
    const event = statusEventOf({ before: claimed, after: deferred });
    expect(event?.detailType).toBe('Delivery Deferred');
    expect(event?.detail).toMatchObject({
      status: 'DEFERRED',
      channels: [],
      deferredUntil: '2026-11-24T23:00:00.000Z',
      reasons: { excluded: [{ channel: 'push', reason: 'QUIET_HOURS' }], errors: [], timing: 'QUIET_HOURS' },
    });
    expect(event?.detail).not.toHaveProperty('channel');
    // Woken, claimed (not announced) and deferred again: a new change with its own id.
    const again = statusEventOf({
      before: { ...deferred, status: 'ACCEPTED', updatedAt: '2026-11-24T23:00:00.000Z' },
      after: { ...deferred, updatedAt: '2026-11-24T23:00:01.000Z' },
    });
    expect(again?.detail).toMatchObject({ status: 'DEFERRED', previousStatus: 'ACCEPTED', eventId: 'order-4711-shipped#DEFERRED#2026-11-24T23:00:01.000Z' });
  });

  it('keeps deferredUntil to DEFERRED, should a finished record still hold one', () => {
    expect(statusEventOf({ before: claimed, after: { ...sent, deferredUntil: '2026-11-24T23:00:00.000Z' } })?.detail).not.toHaveProperty('deferredUntil');
  });

  it('names the channel a provider reported on: an open of an escalation step', () => {
    const escalated = { ...sent, strategy: 'escalate', channel: 'in_app', channels: ['in_app', 'push'], attempts: [] };
    const opened = {
      ...escalated,
      status: 'OPENED',
      timeline: [...escalated.timeline, { status: 'OPENED', at: '2026-11-24T10:40:00.000Z', channel: 'push', eventId: 'app-open-1' }],
      updatedAt: '2026-11-24T10:40:00.000Z',
    };
    expect(statusEventOf({ before: escalated, after: opened })?.detail).toMatchObject({
      status: 'OPENED',
      previousStatus: 'SENT',
      channel: 'push',
      channels: ['in_app', 'push'],
      at: '2026-11-24T10:40:00.000Z',
    });
  });

  it('names the channel the write sent on, not a note it added after, nor an older event', () => {
    const failedOver = {
      ...sent,
      timeline: [...claimed.timeline, { status: 'SENT', at: SENT_AT, channel: 'email' }, { status: 'SENT', at: SENT_AT, channel: 'push', detail: 'push token no longer valid' }],
    };
    expect(statusEventOf({ before: claimed, after: failedOver })?.detail.channel).toBe('email');
    const bounced = { ...failedOver, status: 'BOUNCED', timeline: [...failedOver.timeline, { status: 'BOUNCED', at: SENT_AT, channel: 'email' }] };
    expect(statusEventOf({ before: failedOver, after: bounced })?.detail.channel).toBe('email');
  });

  it('announces a rejection written whole, without a previous status, even for a message without a customer', () => {
    // Stored without a customer: an empty one would be a key of the history index.
    const rejected = {
      requestId: 'sqs:0b7c',
      status: 'REJECTED',
      attempts: [],
      timeline: [{ status: 'REJECTED', at: SENT_AT, detail: 'customerId: Required' }],
      problems: [{ path: 'customerId', message: 'Required' }],
      createdAt: SENT_AT,
      updatedAt: SENT_AT,
    };
    const event = statusEventOf({ after: rejected });
    expect(event?.detailType).toBe('Delivery Rejected');
    expect(event?.detail).toEqual({
      version: '1',
      eventId: `sqs:0b7c#REJECTED#${SENT_AT}`,
      requestId: 'sqs:0b7c',
      customerId: '',
      status: 'REJECTED',
      channels: [],
      reasons: { excluded: [], errors: [] },
      at: SENT_AT,
      createdAt: SENT_AT,
    });
  });

  it('lists each failed channel’s code once', () => {
    const failure = (channel: string, code: string) => ({ channel, at: SENT_AT, outcome: 'FAILED_PERMANENT', error: { code, message: 'x' } });
    const failed = {
      ...sent,
      status: 'FAILED',
      channel: undefined,
      attempts: [failure('push', 'PUSH_NO_LIVE_TOKEN'), failure('email', 'EMAIL_REJECTED'), failure('email', 'EMAIL_REJECTED')],
    };
    expect(statusEventOf({ before: claimed, after: failed })?.detail.reasons.errors).toEqual([
      { channel: 'push', code: 'PUSH_NO_LIVE_TOKEN' },
      { channel: 'email', code: 'EMAIL_REJECTED' },
    ]);
  });

  it('gives the same change the same event id, and another change another', () => {
    const once = statusEventOf({ before: claimed, after: sent });
    expect(statusEventOf({ before: claimed, after: sent })?.detail.eventId).toBe(once?.detail.eventId);
    const delivered = { ...sent, status: 'DELIVERED', updatedAt: '2026-11-24T10:00:02.000Z' };
    expect(statusEventOf({ before: sent, after: delivered })?.detail.eventId).toBe('order-4711-shipped#DELIVERED#2026-11-24T10:00:02.000Z');
  });
});

describe('the detail-types', () => {
  it('name every status but ACCEPTED, each its own', () => {
    expect([...ANNOUNCED_STATUSES, 'ACCEPTED'].sort()).toEqual([...DELIVERY_STATUSES].sort());
    const types = Object.values(DETAIL_TYPES);
    expect(new Set(types).size).toBe(ANNOUNCED_STATUSES.length);
    for (const type of types) expect(type).toMatch(/^Delivery [A-Z][a-z]+( [A-Z][a-z]+)?$/);
  });
});

describe('announcing a batch of changes', () => {
  type Item = Record<string, unknown>;
  const change = (id: string, before: Item | undefined, after: Item | undefined) => ({ id, ...(before ? { before } : {}), ...(after ? { after } : {}) });
  const delivered = { ...sent, status: 'DELIVERED', updatedAt: '2026-11-24T10:00:02.000Z' };

  it('publishes each status change once and counts what announces nothing', async () => {
    const bus = new MemoryStatusEventBus();
    const result = await announceStatusChanges([change('1', undefined, claimed), change('2', claimed, sent), change('3', sent, delivered), change('4', delivered, undefined)], bus);
    expect(result).toEqual({ published: 2, unannounced: 2, failed: [] });
    expect(bus.events.map((event) => event.detailType)).toEqual(['Delivery Sent', 'Delivery Delivered']);
  });

  it('reports the changes whose events the bus refused, by their stream id, with the code', async () => {
    const bus = new MemoryStatusEventBus((event) => (event.detail.status === 'DELIVERED' ? 'ThrottlingException' : undefined));
    const result = await announceStatusChanges([change('1', claimed, sent), change('2', sent, delivered)], bus);
    expect(result).toEqual({ published: 1, unannounced: 0, failed: [{ id: '2', code: 'ThrottlingException' }] });
  });

  it('makes no call for a batch with nothing to announce', async () => {
    const bus = { publish: () => Promise.reject(new Error('not called')) };
    expect(await announceStatusChanges([change('1', undefined, claimed)], bus)).toEqual({ published: 0, unannounced: 1, failed: [] });
  });
});
