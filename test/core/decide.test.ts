import { describe, expect, it } from 'vitest';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import { decide, messageClass } from '../../functions/core/decide.js';
import { type Category, type Channel, CHANNELS, type Decision, type ExclusionReason } from '../../functions/core/model.js';
import type { SendRequestInput } from '../../functions/core/request.js';
import type { TemplateManifest } from '../../functions/core/templates.js';
import { CUSTOMER_FIXTURES, type CustomerFixture, customerFixture, FIXTURE_NOW } from '../fixtures/customers.js';
import { manifest, sendRequest } from '../fixtures/requests.js';

const promotion = manifest();
const orderUpdate = manifest({ id: 'order-shipped', category: 'transactional', topic: 'order-updates' });

function decideFor(fixture: CustomerFixture, options: { request?: Partial<SendRequestInput>; template?: TemplateManifest; now?: Date; config?: DecisionConfig } = {}): Decision {
  return decide(
    {
      request: sendRequest({ customerId: customerFixture(fixture).customerId, ...options.request }),
      customer: customerFixture(fixture),
      manifest: options.template ?? promotion,
      now: options.now ?? FIXTURE_NOW,
    },
    options.config ?? defaultDecisionConfig,
  );
}

function exclusions(decision: Decision): Partial<Record<Channel, ExclusionReason>> {
  return Object.fromEntries(decision.excluded.map((e) => [e.channel, e.reason]));
}

function order(decision: Decision): Channel[] {
  return decision.ranked.map((r) => r.channel);
}

describe('decide for the example customer, Lena (c-1001)', () => {
  it('sends a promotion by push while she is in the store, never by SMS', () => {
    const decision = decideFor('lena-c-1001');
    // Her email history (4 of 29 opened) now ranks below an inbox she has not used yet.
    expect(order(decision)).toEqual(['push', 'in_app', 'email']);
    expect(decision.excluded).toEqual([{ channel: 'sms', reason: 'OPTED_OUT', detail: 'sms/promotions: opt_out' }]);
    expect(decision.ranked[0]?.reasons).toContain('context +0.40: customer is in store berlin-mitte');
  });

  it('may text her about her order, since she opted in to order updates', () => {
    const decision = decideFor('lena-c-1001', { template: orderUpdate });
    expect(decision.excluded).toEqual([]);
    expect(order(decision)).toContain('sms');
    expect(order(decision)[0]).toBe('push');
  });

  it('keeps push and SMS quiet after 22:00 in Berlin and falls back to a silent channel', () => {
    const decision = decideFor('lena-c-1001', { template: orderUpdate, now: new Date('2026-11-23T21:30:00Z') });
    expect(exclusions(decision)).toEqual({ push: 'QUIET_HOURS', sms: 'QUIET_HOURS' });
    expect(order(decision)).toEqual(['in_app', 'email']);
  });

  it('forgets the store visit a day later, and her push preference still wins', () => {
    const decision = decideFor('lena-c-1001', { now: new Date('2026-11-24T16:00:00Z') });
    expect(decision.ranked[0]?.channel).toBe('push');
    expect(decision.ranked[0]?.components.context).toBe(0);
  });
});

describe('decide over the customer fixtures', () => {
  const cases: [CustomerFixture, Category, Channel[], Partial<Record<Channel, ExclusionReason>>][] = [
    ['app-active-c-2001', 'marketing', ['in_app', 'email', 'push', 'sms'], {}],
    ['email-only-c-2002', 'marketing', ['email'], { push: 'NO_CONSENT', sms: 'NO_CONSENT', in_app: 'NO_CONSENT' }],
    ['email-only-c-2002', 'transactional', ['email'], { push: 'NO_ADDRESS', sms: 'NO_ADDRESS', in_app: 'NO_ADDRESS' }],
    ['opted-out-marketing-c-2003', 'marketing', [], { push: 'OPTED_OUT', sms: 'OPTED_OUT', email: 'OPTED_OUT', in_app: 'NO_CONSENT' }],
    ['opted-out-marketing-c-2003', 'transactional', ['in_app', 'push'], { sms: 'OPTED_OUT', email: 'OPTED_OUT' }],
    ['asleep-tokyo-c-2004', 'marketing', ['email', 'in_app'], { push: 'QUIET_HOURS', sms: 'QUIET_HOURS' }],
    // Nothing known of either: exploration's draw for this request puts push first.
    ['bounced-email-c-2005', 'marketing', ['push', 'in_app'], { email: 'ADDRESS_SUPPRESSED', sms: 'NO_CONSENT' }],
    ['dead-push-token-c-2006', 'marketing', ['email'], { push: 'ADDRESS_SUPPRESSED', sms: 'NO_CONSENT', in_app: 'NO_CONSENT' }],
    ['dead-push-token-c-2006', 'transactional', ['email'], { push: 'ADDRESS_SUPPRESSED', sms: 'NO_ADDRESS', in_app: 'NO_ADDRESS' }],
  ];

  it.each(cases)('%s, %s', (fixture, category, ranked, excluded) => {
    const decision = decideFor(fixture, { template: category === 'marketing' ? promotion : orderUpdate });
    expect(order(decision)).toEqual(ranked);
    expect(exclusions(decision)).toEqual(excluded);
  });

  it('wakes the Tokyo customer only for a high-priority transactional message', () => {
    expect(order(decideFor('asleep-tokyo-c-2004', { template: orderUpdate, request: { priority: 'high' } }))[0]).toBe('push');
    expect(exclusions(decideFor('asleep-tokyo-c-2004', { request: { priority: 'high' } }))).toEqual({ push: 'QUIET_HOURS', sms: 'QUIET_HOURS' });
  });
});

describe('candidates', () => {
  const templates: TemplateManifest[] = [promotion, orderUpdate, manifest({ channels: ['email'] }), manifest({ channels: ['sms', 'push'] })];
  const allowLists: (Channel[] | undefined)[] = [undefined, ['push'], ['email', 'in_app'], ['sms', 'email', 'push', 'in_app']];

  it('lists every channel exactly once, ranked or excluded, for every fixture, template and allow-list', () => {
    for (const fixture of CUSTOMER_FIXTURES) {
      for (const template of templates) {
        for (const channels of allowLists) {
          const decision = decideFor(fixture, { template, request: channels ? { channels } : {} });
          const seen = [...decision.ranked.map((r) => r.channel), ...decision.excluded.map((e) => e.channel)];
          expect(seen.sort()).toEqual([...CHANNELS].sort());
        }
      }
    }
  });

  it('excludes channels the template lacks as NOT_IN_TEMPLATE, before the allow-list is read', () => {
    const decision = decideFor('app-active-c-2001', { template: manifest({ channels: ['email', 'push'] }), request: { channels: ['push'] } });
    expect(exclusions(decision)).toEqual({ sms: 'NOT_IN_TEMPLATE', in_app: 'NOT_IN_TEMPLATE', email: 'NOT_ALLOWED' });
    expect(order(decision)).toEqual(['push']);
  });

  it('excludes template channels outside the allow-list as NOT_ALLOWED, without judging them', () => {
    const decision = decideFor('opted-out-marketing-c-2003', { request: { channels: ['in_app'] } });
    expect(decision.excluded).toEqual([
      { channel: 'push', reason: 'NOT_ALLOWED' },
      { channel: 'sms', reason: 'NOT_ALLOWED' },
      { channel: 'email', reason: 'NOT_ALLOWED' },
      { channel: 'in_app', reason: 'NO_CONSENT', detail: 'in_app: no opt-in for promotions or for every topic' },
    ]);
  });

  it("decides consent by the request's topic over the template's", () => {
    expect(exclusions(decideFor('lena-c-1001'))).toEqual({ sms: 'OPTED_OUT' });
    expect(exclusions(decideFor('lena-c-1001', { request: { topic: 'new-arrivals' } }))).toEqual({ sms: 'NO_CONSENT' });
  });

  it("keeps the template's category whatever the request says", () => {
    // In-app has no consent entry: a transactional message would pass, a marketing one needs an opt-in.
    const relabelled = decideFor('opted-out-marketing-c-2003', { request: { category: 'transactional' } });
    expect(exclusions(relabelled)).toMatchObject({ in_app: 'NO_CONSENT' });
  });
});

describe('determinism', () => {
  it('gives the same decision for the same input', () => {
    expect(decideFor('lena-c-1001')).toEqual(decideFor('lena-c-1001'));
  });

  it('does not depend on the order channels are listed in the template', () => {
    const forward = decideFor('app-active-c-2001', { template: manifest({ channels: ['push', 'sms', 'email', 'in_app'] }) });
    const backward = decideFor('app-active-c-2001', { template: manifest({ channels: ['in_app', 'email', 'sms', 'push'] }) });
    expect(backward).toEqual(forward);
  });

  it('lists exclusions in the fixed channel order', () => {
    const decision = decideFor('opted-out-marketing-c-2003');
    expect(decision.excluded.map((e) => e.channel)).toEqual(['push', 'sms', 'email', 'in_app']);
  });
});

describe('messageClass', () => {
  it("defaults to the template's category and topic", () => {
    expect(messageClass(sendRequest(), orderUpdate)).toEqual({ category: 'transactional', topic: 'order-updates' });
  });

  it("takes the request's topic, never its category", () => {
    expect(messageClass(sendRequest({ category: 'marketing', topic: 'new-arrivals' }), orderUpdate)).toEqual({ category: 'transactional', topic: 'new-arrivals' });
    expect(messageClass(sendRequest({ category: 'transactional' }), promotion)).toEqual({ category: 'marketing', topic: 'promotions' });
    expect(messageClass(sendRequest({ topic: 'returns' }), orderUpdate)).toEqual({ category: 'transactional', topic: 'returns' });
  });
});
