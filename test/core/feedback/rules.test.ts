import { describe, expect, it } from 'vitest';
import { addressChangeEvents } from '../../../functions/core/feedback/address-changes.js';
import { MAX_TIMELINE_EVENTS, planWrite } from '../../../functions/core/feedback/apply.js';
import { counterFor } from '../../../functions/core/feedback/engagement.js';
import type { FeedbackEvent, FeedbackKind } from '../../../functions/core/feedback/event.js';
import type { FeedbackTarget } from '../../../functions/core/feedback/ports.js';
import { advance, predecessorsOf } from '../../../functions/core/feedback/status.js';
import { suppressionFor } from '../../../functions/core/feedback/suppression.js';
import type { DeliveryStatus } from '../../../functions/core/model.js';

const AT = '2026-11-24T13:00:00.000Z';

function event(kind: FeedbackKind, overrides: Partial<FeedbackEvent> = {}): FeedbackEvent {
  return { eventId: `e-${kind}`, channel: 'email', kind, at: AT, source: 'ses', ...overrides };
}

describe('status progression', () => {
  it.each<[DeliveryStatus, FeedbackKind, DeliveryStatus]>([
    ['SENT', 'delivered', 'DELIVERED'],
    ['CLICKED', 'delivered', 'CLICKED'],
    ['OPENED', 'sent', 'OPENED'],
    ['DELIVERED', 'clicked', 'CLICKED'],
    ['CLICKED', 'opened', 'CLICKED'],
    ['OPENED', 'complained', 'COMPLAINED'],
    ['CLICKED', 'complained', 'COMPLAINED'],
    ['COMPLAINED', 'clicked', 'COMPLAINED'],
    ['DELIVERED', 'bounced', 'BOUNCED'],
    ['BOUNCED', 'delivered', 'BOUNCED'],
    ['BOUNCED', 'opened', 'OPENED'],
    ['SENT', 'failed', 'FAILED'],
    ['DELIVERED', 'delayed', 'DELIVERED'],
    ['OPENED', 'unsubscribed', 'OPENED'],
    ['SUPPRESSED', 'clicked', 'SUPPRESSED'],
    ['ACCEPTED', 'sent', 'SENT'],
  ])('%s then %s is %s', (current, kind, expected) => {
    expect(advance(current, event(kind))).toBe(expected);
  });

  it('lets a status be written only over the statuses it is ahead of', () => {
    expect(predecessorsOf('OPENED')).toEqual(['ACCEPTED', 'SENT', 'DELIVERED', 'RENDER_FAILED', 'FAILED', 'BOUNCED']);
    expect(predecessorsOf('DELIVERED')).toEqual(['ACCEPTED', 'SENT']);
  });
});

describe('engagement counters', () => {
  it('counts deliveries, opens, clicks and bounces; an SMS the carrier could not deliver is a bounce, a STOP is not', () => {
    expect(counterFor(event('delivered'))).toBe('delivered');
    expect(counterFor(event('clicked'))).toBe('clicked');
    expect(counterFor(event('bounced', { bounceType: 'Transient' }))).toBe('bounced');
    expect(counterFor(event('failed', { channel: 'sms' }))).toBe('bounced');
    expect(counterFor(event('failed', { channel: 'sms', optedOut: true }))).toBeUndefined();
    expect(counterFor(event('failed'))).toBeUndefined();
    expect(counterFor(event('complained'))).toBeUndefined();
  });
});

describe('planning a write', () => {
  const target: FeedbackTarget = {
    requestId: 'r-1',
    customerId: 'c-1',
    status: 'CLICKED',
    sentChannels: ['email'],
    finished: true,
    seenEvents: new Set(),
    countedEngagement: new Set(['email:opened']),
    timelineLength: 3,
  };
  const now = new Date('2026-11-24T14:00:00Z');

  it('records a late delivery in the timeline without moving the status back', () => {
    const write = planWrite(event('delivered'), target, now);
    expect(write.status).toBeUndefined();
    expect(write.timelineEvent).toEqual({ status: 'DELIVERED', at: AT, channel: 'email', eventId: 'e-delivered' });
    expect(write.counter).toEqual({ channel: 'email', name: 'delivered', key: 'email:delivered' });
    expect(write.updatedAt).toBe('2026-11-24T14:00:00.000Z');
  });

  it('counts an open once per message but still moves lastEngagedAt for a second open', () => {
    const write = planWrite(event('opened', { eventId: 'second-open' }), target, now);
    expect(write.counter).toBeUndefined();
    expect(write.engaged).toEqual({ channel: 'email', at: AT });
  });

  it('shows an event without a status of its own at the status of its time', () => {
    expect(planWrite(event('delayed'), { ...target, status: 'SENT' }, now).timelineEvent?.status).toBe('SENT');
  });

  it('stops listing events once the timeline is full, yet still moves the status', () => {
    const write = planWrite(event('complained'), { ...target, timelineLength: MAX_TIMELINE_EVENTS }, now);
    expect(write.timelineEvent).toBeUndefined();
    expect(write.status?.to).toBe('COMPLAINED');
  });
});

describe('automatic suppression', () => {
  const marketing = { category: 'marketing' as const, topic: 'promotions' };

  it('suppresses the address after a permanent bounce only', () => {
    expect(suppressionFor(event('bounced', { bounceType: 'Permanent' }), marketing, undefined)).toEqual({
      reason: 'hard_bounce',
      source: 'ses_bounce',
      at: AT,
      changes: [{ kind: 'suppress_address', channel: 'email', reason: 'bounced' }],
    });
    expect(suppressionFor(event('bounced', { bounceType: 'Transient' }), marketing, undefined)).toBeUndefined();
    expect(suppressionFor(event('bounced', { bounceType: 'Undetermined' }), marketing, undefined)).toBeUndefined();
  });

  it('turns a complaint into an opt-out of every marketing topic and withdraws the every-topic opt-in', () => {
    const consent = { email: { '*': 'opt_in' as const, news: { value: 'opt_in' as const }, 'order-updates': 'opt_out' as const } };
    expect(suppressionFor(event('complained'), marketing, consent)).toEqual({
      reason: 'complaint',
      source: 'complaint',
      at: AT,
      changes: [{ kind: 'opt_out_topics', channel: 'email', topics: ['news', 'promotions'], withdrawEveryTopicOptIn: true }],
    });
  });

  it('still plans the opt-outs a copy of the same complaint already wrote, but keeps older opt-outs as they are', () => {
    const ours = { value: 'opt_out' as const, updatedAt: AT, source: 'complaint' };
    const older = { value: 'opt_out' as const, updatedAt: '2026-10-01T00:00:00Z', source: 'complaint' };
    expect(suppressionFor(event('complained'), marketing, { email: { promotions: ours } })?.changes).toEqual([
      { kind: 'opt_out_topics', channel: 'email', topics: ['promotions'], withdrawEveryTopicOptIn: false },
    ]);
    expect(suppressionFor(event('complained'), marketing, { email: { promotions: older } })).toBeUndefined();
  });

  it('does not opt a customer out of the topic of a transactional message they complained about', () => {
    const plan = suppressionFor(event('complained'), { category: 'transactional', topic: 'order-updates' }, { email: { '*': { value: 'opt_in' } } });
    expect(plan?.changes).toEqual([{ kind: 'opt_out_topics', channel: 'email', topics: [], withdrawEveryTopicOptIn: true }]);
    expect(suppressionFor(event('complained'), { category: 'transactional', topic: 'order-updates' }, { email: { '*': 'opt_out' } })).toBeUndefined();
  });

  it('opts out of the topics an unsubscribe names, or of all marketing for unsubscribe-all', () => {
    const one = suppressionFor(event('unsubscribed', { unsubscribe: { topics: ['promotions'], all: false }, source: 'unsubscribe_link' }), marketing, undefined);
    expect(one).toMatchObject({
      reason: 'unsubscribe',
      source: 'one_click_unsubscribe',
      changes: [{ kind: 'opt_out_topics', topics: ['promotions'], withdrawEveryTopicOptIn: false }],
    });
    const all = suppressionFor(event('unsubscribed', { unsubscribe: { topics: [], all: true } }), marketing, { email: { '*': 'opt_in' } });
    expect(all).toMatchObject({ source: 'ses_subscription', changes: [{ kind: 'opt_out_topics', topics: ['promotions'], withdrawEveryTopicOptIn: true }] });
  });

  it('records STOP for an SMS refused as opted out, and nothing for other SMS failures', () => {
    expect(suppressionFor(event('failed', { channel: 'sms', optedOut: true }), marketing, undefined)?.changes).toEqual([{ kind: 'sms_opt_out' }]);
    expect(suppressionFor(event('failed', { channel: 'sms' }), marketing, undefined)).toBeUndefined();
  });
});

describe('address changes learned while sending', () => {
  it('become timeline entries that say what happened without naming a token or a number', () => {
    const events = addressChangeEvents(
      [
        { channel: 'push', token: 'f3c1-secret-token', kind: 'token_dead' },
        { channel: 'push', token: 'a9b2-other-token', kind: 'token_dead' },
        { channel: 'push', token: 'c4d5-old', kind: 'token_renewed', newToken: 'c4d5-new' },
        { channel: 'sms', kind: 'opted_out' },
      ],
      'SENT',
      AT,
    );
    expect(events).toEqual([
      { status: 'SENT', at: AT, channel: 'push', detail: '2 push tokens no longer valid: suppressed (invalid)' },
      { status: 'SENT', at: AT, channel: 'push', detail: 'push token renewed by the provider' },
      { status: 'SENT', at: AT, channel: 'sms', detail: 'number opted out (STOP): suppressed, SMS consent opted out' },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/secret|other-token|c4d5/);
    expect(addressChangeEvents([], 'SENT', AT)).toEqual([]);
  });
});
