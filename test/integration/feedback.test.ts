import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEngagementRecorder } from '../../functions/adapters/dynamo-engagement-recorder.js';
import { applyFeedbackEvent, SEEN_EVENTS_PER_GENERATION } from '../../functions/core/feedback/apply.js';
import type { FeedbackEvent } from '../../functions/core/feedback/event.js';
import { fromSesEventBridge } from '../../functions/core/feedback/ses.js';
import { fromSmsStatusLog } from '../../functions/core/feedback/sms.js';
import { FIXTURE_CUSTOMER_ID, FIXTURE_REQUEST_ID, type SesFixture, sesFixture, smsFixture, smsFixtureMessageId } from '../support/feedback-fixtures.js';
import { type FeedbackWorld, feedbackWorld } from '../support/feedback-world.js';

let world: FeedbackWorld;
beforeAll(async () => {
  world = await feedbackWorld('fb');
});
afterAll(() => world.destroy());

let sequence = 0;
/** A fresh email request for its own customer, so every test starts from a clean record. */
async function emailRequest(customer: Record<string, unknown> = {}) {
  const n = ++sequence;
  const requestId = `${FIXTURE_REQUEST_ID}.${n}`;
  const customerId = `${FIXTURE_CUSTOMER_ID}-${n}`;
  await world.putCustomer({ customerId, email: { address: 'customer@example.com', status: 'active' }, ...customer });
  await world.sent(requestId, customerId, 'email');
  const messageId = `ses-message-${n}`;
  const ses = (name: SesFixture): FeedbackEvent => {
    const result = fromSesEventBridge(sesFixture(name, { requestId, customerId, messageId }));
    if (!result.ok) throw new Error(result.reason);
    return result.event;
  };
  return { requestId, customerId, ses };
}

describe('delivery timeline', () => {
  it('appends every event, moves the status only forward, and a late delivery never undoes a click', async () => {
    const { requestId, customerId, ses } = await emailRequest();
    for (const name of ['ses-click', 'ses-open', 'ses-delivery', 'ses-send'] as const) {
      expect(await applyFeedbackEvent(ses(name), world.deps)).toMatchObject({ outcome: 'applied', requestId });
    }
    const record = await world.delivery(requestId);
    expect(record.status).toBe('CLICKED');
    expect(record.timeline.map((e) => `${e.status}${e.detail ? ` ${e.detail}` : ''}`)).toEqual([
      'ACCEPTED',
      'SENT',
      'CLICKED CLICK shop.example.com/cart',
      'OPENED OPEN',
      'DELIVERED DELIVERY',
      'SENT SEND',
    ]);
    expect((await world.customer(customerId))?.engagement?.email).toEqual({
      clicked: 1,
      opened: 1,
      delivered: 1,
      lastEngagedAt: '2026-11-24T13:00:59.570Z',
      // Written by the open, the last engagement applied; neither it nor the click had a delivery to count against yet.
      recent: { at: '2026-11-24T12:59:58.652Z', delivered: 0, engaged: 0, countedDelivered: 0, countedEngaged: 0 },
    });
  });

  it('shows a complaint that follows an open', async () => {
    const { requestId, ses } = await emailRequest({ consent: { email: { '*': 'opt_in' } } });
    await applyFeedbackEvent(ses('ses-open'), world.deps);
    await applyFeedbackEvent(ses('ses-complaint'), world.deps);
    expect((await world.delivery(requestId)).status).toBe('COMPLAINED');
  });

  it('lets a bounce that follows the delivery stand, and an open after it win', async () => {
    const { requestId, ses } = await emailRequest();
    await applyFeedbackEvent(ses('ses-delivery'), world.deps);
    await applyFeedbackEvent(ses('ses-bounce-transient'), world.deps);
    expect((await world.delivery(requestId)).status).toBe('BOUNCED');
    await applyFeedbackEvent(ses('ses-open'), world.deps);
    expect((await world.delivery(requestId)).status).toBe('OPENED');
  });
});

describe('the same event delivered twice', () => {
  it('is applied once, one after the other', async () => {
    const { requestId, customerId, ses } = await emailRequest();
    expect(await applyFeedbackEvent(ses('ses-delivery'), world.deps)).toMatchObject({ outcome: 'applied' });
    expect(await applyFeedbackEvent(ses('ses-delivery'), world.deps)).toEqual({ outcome: 'duplicate', requestId });
    const record = await world.delivery(requestId);
    expect(record.timeline.filter((e) => e.status === 'DELIVERED')).toHaveLength(1);
    expect([...(record.seenEvents ?? [])]).toEqual([ses('ses-delivery').eventId]);
    expect((await world.customer(customerId))?.engagement?.email?.delivered).toBe(1);
  });

  it('is applied once when five copies race', async () => {
    const { requestId, customerId, ses } = await emailRequest({ engagement: { email: { delivered: 4 } } });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => applyFeedbackEvent(ses('ses-delivery'), world.deps)));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(4);
    expect((await world.delivery(requestId)).timeline.filter((e) => e.status === 'DELIVERED')).toHaveLength(1);
    expect((await world.customer(customerId))?.engagement?.email?.delivered).toBe(5);
  });

  it('keeps different events that race on one record, with the furthest status', async () => {
    const { requestId, ses } = await emailRequest();
    const names = ['ses-delivery', 'ses-open', 'ses-click', 'ses-send'] as const;
    const outcomes = await Promise.all(names.map((name) => applyFeedbackEvent(ses(name), world.deps)));
    expect(outcomes.every((o) => o.outcome === 'applied')).toBe(true);
    const record = await world.delivery(requestId);
    expect(record.status).toBe('CLICKED');
    expect(record.timeline).toHaveLength(2 + names.length);
  });
});

describe('a record that hears a great many events', () => {
  const delay = (requestId: string, customerId: string, n: number): FeedbackEvent => ({
    eventId: `ses:m:delay:${n}`,
    requestId,
    customerId,
    channel: 'email',
    kind: 'delayed',
    at: new Date(Date.parse('2026-11-24T12:01:00.000Z') + n * 1000).toISOString(),
    source: 'ses',
  });
  const ids = (prefix: string, count: number) => new Set(Array.from({ length: count }, (_, i) => `${prefix}-${i}`));
  /** Marks as earlier events would have left them, without applying each one. */
  async function markSeen(requestId: string, marks: { recent: Set<string>; earlier?: Set<string> }) {
    await world.local.doc.send(
      new UpdateCommand({
        TableName: world.local.tables.deliveries,
        Key: { requestId },
        UpdateExpression: `SET #recent = :recent${marks.earlier ? ', #earlier = :earlier' : ''}`,
        ExpressionAttributeNames: { '#recent': 'seenEvents', ...(marks.earlier ? { '#earlier': 'seenEventsEarlier' } : {}) },
        ExpressionAttributeValues: { ':recent': marks.recent, ...(marks.earlier ? { ':earlier': marks.earlier } : {}) },
      }),
    );
  }
  async function marks(requestId: string) {
    const record = (await world.delivery(requestId)) as { seenEvents?: Set<string>; seenEventsEarlier?: Set<string> };
    return { recent: record.seenEvents ?? new Set<string>(), earlier: record.seenEventsEarlier ?? new Set<string>() };
  }

  it('forgets the oldest generation of marks when the newest is full, and still knows the recent events', async () => {
    const { requestId, customerId } = await emailRequest();
    const oldest = ids('ses:m:oldest', SEEN_EVENTS_PER_GENERATION);
    const recent = ids('ses:m:recent', SEEN_EVENTS_PER_GENERATION);
    await markSeen(requestId, { recent, earlier: oldest });

    expect(await applyFeedbackEvent(delay(requestId, customerId, 1), world.deps)).toMatchObject({ outcome: 'applied' });
    expect(await marks(requestId)).toEqual({ recent: new Set([delay(requestId, customerId, 1).eventId]), earlier: recent });
    for (const eventId of [delay(requestId, customerId, 1).eventId, 'ses:m:recent-0', `ses:m:recent-${SEEN_EVENTS_PER_GENERATION - 1}`]) {
      expect(await applyFeedbackEvent({ ...delay(requestId, customerId, 2), eventId }, world.deps)).toEqual({ outcome: 'duplicate', requestId });
    }
    expect(await applyFeedbackEvent(delay(requestId, customerId, 2), world.deps)).toMatchObject({ outcome: 'applied' });
    expect((await marks(requestId)).recent.size).toBe(2);
  });

  it('moves aside a set that grew without bound before, keeping its marks for one generation', async () => {
    const { requestId, customerId } = await emailRequest();
    await markSeen(requestId, { recent: ids('ses:m:legacy', 3 * SEEN_EVENTS_PER_GENERATION) });
    expect(await applyFeedbackEvent(delay(requestId, customerId, 1), world.deps)).toMatchObject({ outcome: 'applied' });
    expect((await marks(requestId)).recent).toEqual(new Set([delay(requestId, customerId, 1).eventId]));
    expect(await applyFeedbackEvent({ ...delay(requestId, customerId, 2), eventId: 'ses:m:legacy-7' }, world.deps)).toEqual({ outcome: 'duplicate', requestId });
  });

  it('loses no mark when events race across the start of a new generation', async () => {
    const { requestId, customerId } = await emailRequest();
    await markSeen(requestId, { recent: ids('ses:m:before', SEEN_EVENTS_PER_GENERATION - 3) });

    const racing = Array.from({ length: 8 }, (_, n) => delay(requestId, customerId, n));
    const outcomes = await Promise.all([...racing, ...racing].map((event) => applyFeedbackEvent(event, world.deps)));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(racing.length);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(racing.length);

    const { recent, earlier } = await marks(requestId);
    for (const event of racing) expect(recent.has(event.eventId) || earlier.has(event.eventId), event.eventId).toBe(true);
    expect(earlier.size).toBe(SEEN_EVENTS_PER_GENERATION);
    expect(recent.size).toBe(racing.length - 3);
    expect((await world.delivery(requestId)).timeline).toHaveLength(2 + racing.length);
  });
});

describe('engagement counters', () => {
  it('count a second open of one email in the timeline and the metrics but not in the opened counter', async () => {
    const { requestId, customerId, ses } = await emailRequest();
    const first = ses('ses-open');
    const second = { ...first, eventId: `${first.eventId}-again`, at: '2026-11-24T19:00:00.000Z' };
    const before = world.telemetry.events.length;
    await applyFeedbackEvent(first, world.deps);
    await applyFeedbackEvent(second, world.deps);
    expect((await world.delivery(requestId)).timeline.filter((e) => e.status === 'OPENED')).toHaveLength(2);
    // The second open moved no counter, so it wrote no snapshot: the one the first open wrote stands.
    expect((await world.customer(customerId))?.engagement?.email).toEqual({
      opened: 1,
      lastEngagedAt: '2026-11-24T19:00:00.000Z',
      recent: { at: first.at, delivered: 0, engaged: 0, countedDelivered: 0, countedEngaged: 0 },
    });
    const opened = world.telemetry.events.slice(before).filter((e) => e.kind === 'engagement' && e.metric === 'opened');
    expect(opened).toEqual([
      { kind: 'engagement', metric: 'opened', channel: 'email', template: 'cart-reminder' },
      { kind: 'engagement', metric: 'opened', channel: 'email', template: 'cart-reminder' },
    ]);
  });

  it('create the engagement maps when the record has none, and leave other channels alone', async () => {
    const bare = await emailRequest();
    await applyFeedbackEvent(bare.ses('ses-delivery'), world.deps);
    expect((await world.customer(bare.customerId))?.engagement).toEqual({ email: { delivered: 1 } });

    const other = await emailRequest({ engagement: { push: { delivered: 3, opened: 2 } } });
    await applyFeedbackEvent(other.ses('ses-bounce-transient'), world.deps);
    expect((await world.customer(other.customerId))?.engagement).toEqual({ push: { delivered: 3, opened: 2 }, email: { bounced: 1 } });
  });

  it('never create a customer: a deleted customer still gets the event on the delivery record', async () => {
    const requestId = `${FIXTURE_REQUEST_ID}.ghost`;
    await world.sent(requestId, 'c-ghost', 'email');
    const result = fromSesEventBridge(sesFixture('ses-open', { requestId, customerId: 'c-ghost' }));
    if (!result.ok) throw new Error(result.reason);
    expect(await applyFeedbackEvent(result.event, world.deps)).toMatchObject({ outcome: 'applied', status: 'OPENED' });
    expect(await world.customer('c-ghost')).toBeUndefined();
  });

  it('are recorded for push and in-app by the recorder the orchestrator calls, with lastEngagedAt only moving later', async () => {
    const recorder = new DynamoEngagementRecorder(world.local.doc, { tableName: world.local.tables.customers });
    await world.putCustomer({ customerId: 'c-recorder', engagement: { email: { delivered: 2 } } });
    await recorder.record('c-recorder', 'push', { delivered: 1 }, new Date('2026-11-24T12:00:00Z'));
    await recorder.record('c-recorder', 'push', { delivered: 1 }, new Date('2026-11-24T12:10:00Z'));
    await recorder.record('c-recorder', 'push', { opened: 1 }, new Date('2026-11-24T12:30:00Z'));
    await recorder.record('c-recorder', 'push', { clicked: 1 }, new Date('2026-11-24T12:20:00Z'));
    expect((await world.customer('c-recorder'))?.engagement).toEqual({
      email: { delivered: 2 },
      push: { delivered: 2, opened: 1, clicked: 1, lastEngagedAt: '2026-11-24T12:30:00.000Z' },
    });
    await recorder.record('c-nobody', 'in_app', { delivered: 1 }, new Date('2026-11-24T12:00:00Z'));
    expect(await world.customer('c-nobody')).toBeUndefined();
  });
});

describe('finding the request', () => {
  it('finds an SMS through the provider message id its sender stored', async () => {
    await world.putCustomer({ customerId: 'c-sms', phone: { number: '+4915100000000', status: 'active' } });
    await world.sent('r-sms-delivered', 'c-sms', 'sms');
    await world.index.remember('sms', smsFixtureMessageId('sms-success'), 'r-sms-delivered', new Date('2026-11-24T12:00:00Z'));
    const result = fromSmsStatusLog(smsFixture('sms-success'));
    if (!result.ok) throw new Error(result.reason);
    expect(await applyFeedbackEvent(result.event, world.deps)).toMatchObject({ outcome: 'applied', requestId: 'r-sms-delivered', status: 'DELIVERED' });
    expect((await world.customer('c-sms'))?.engagement?.sms).toEqual({ delivered: 1 });
  });

  it('reports an SMS status without a stored id as unmatched', async () => {
    const result = fromSmsStatusLog(smsFixture('sms-success', 'never-sent-by-us'));
    if (!result.ok) throw new Error(result.reason);
    expect(await applyFeedbackEvent(result.event, world.deps)).toEqual({ outcome: 'unmatched', reason: 'no delivery record for the event' });
  });

  it('falls back to the request tag when SES publishes no headers, which works for tag-safe ids only', async () => {
    await world.putCustomer({ customerId: 'c-tags' });
    await world.sent('tag-safe-id', 'c-tags', 'email');
    const safe = fromSesEventBridge(sesFixture('ses-delivery-delay', { requestId: 'tag-safe-id', customerId: 'c-tags' }));
    if (!safe.ok) throw new Error(safe.reason);
    expect(await applyFeedbackEvent(safe.event, world.deps)).toMatchObject({ outcome: 'applied', requestId: 'tag-safe-id', status: 'SENT' });

    const { ses } = await emailRequest();
    expect(await applyFeedbackEvent(ses('ses-delivery-delay'), world.deps)).toMatchObject({ outcome: 'unmatched' });
  });

  it('never applies an event whose customer tag names someone else', async () => {
    const { requestId } = await emailRequest();
    const forged = fromSesEventBridge(sesFixture('ses-click', { requestId, customerId: 'c-someone-else' }));
    if (!forged.ok) throw new Error(forged.reason);
    expect(await applyFeedbackEvent(forged.event, world.deps)).toEqual({ outcome: 'mismatch', requestId, reason: 'customer tag differs' });
    expect((await world.delivery(requestId)).status).toBe('SENT');
  });

  it('never applies an event for a channel the message did not go out on', async () => {
    const { requestId, customerId } = await emailRequest();
    const open: FeedbackEvent = { eventId: 'app:push:x:opened', requestId, customerId, channel: 'push', kind: 'opened', at: '2026-11-24T12:10:00.000Z', source: 'app' };
    expect(await applyFeedbackEvent(open, world.deps)).toEqual({ outcome: 'mismatch', requestId, reason: 'not sent on push' });
  });

  it('applies an event for a channel not yet on a record the orchestrator is still writing', async () => {
    // Under strategy `all`, the last channel's attempt reaches the record with the final write,
    // and a provider event can arrive first.
    const requestId = 'still-writing';
    await world.putCustomer({ customerId: 'c-writing' });
    await world.deliveries.claim({
      requestId,
      customerId: 'c-writing',
      template: 'cart-reminder',
      createdAt: '2026-11-24T12:00:00.000Z',
      now: new Date('2026-11-24T12:00:00.000Z'),
      leaseMs: 60_000,
    });
    await world.deliveries.recordAccepted(requestId, { channel: 'push', at: '2026-11-24T12:00:01.000Z', outcome: 'SENT' });
    const delivered = fromSesEventBridge(sesFixture('ses-delivery', { requestId, customerId: 'c-writing' }));
    if (!delivered.ok) throw new Error(delivered.reason);
    expect(await applyFeedbackEvent(delivered.event, world.deps)).toMatchObject({ outcome: 'applied', requestId });
  });

  it('still applies it when an event of an earlier channel has already moved the status on', async () => {
    const requestId = 'moved-on';
    const at = (second: number) => `2026-11-24T12:00:0${second}.000Z`;
    await world.putCustomer({ customerId: 'c-moved-on' });
    await world.deliveries.claim({ requestId, customerId: 'c-moved-on', template: 'cart-reminder', createdAt: at(0), now: new Date(at(0)), leaseMs: 60_000 });
    await world.deliveries.recordAccepted(requestId, { channel: 'push', at: at(1), outcome: 'SENT' });
    const pushDelivered: FeedbackEvent = {
      eventId: 'app:push:moved-on:delivered',
      requestId,
      customerId: 'c-moved-on',
      channel: 'push',
      kind: 'delivered',
      at: at(2),
      source: 'app',
    };
    expect(await applyFeedbackEvent(pushDelivered, world.deps)).toMatchObject({ outcome: 'applied', requestId });
    expect((await world.delivery(requestId)).status).toBe('DELIVERED');

    const emailOpened = fromSesEventBridge(sesFixture('ses-open', { requestId, customerId: 'c-moved-on' }));
    if (!emailOpened.ok) throw new Error(emailOpened.reason);
    expect(await applyFeedbackEvent(emailOpened.event, world.deps)).toMatchObject({ outcome: 'applied', requestId });
  });
});
