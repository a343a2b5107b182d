import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFeedbackEvent } from '../../functions/core/feedback/apply.js';
import { fromUnsubscribeLink } from '../../functions/core/feedback/app.js';
import type { FeedbackEvent } from '../../functions/core/feedback/event.js';
import { fromSesEventBridge } from '../../functions/core/feedback/ses.js';
import { fromSmsStatusLog } from '../../functions/core/feedback/sms.js';
import { checkConsent } from '../../functions/core/consent.js';
import type { Customer } from '../../functions/core/model.js';
import { type SesFixture, sesFixture, smsFixture, smsFixtureMessageId } from '../support/feedback-fixtures.js';
import { type FeedbackWorld, feedbackWorld } from '../support/feedback-world.js';

let world: FeedbackWorld;
beforeAll(async () => {
  world = await feedbackWorld('sup');
});
afterAll(() => world.destroy());

let sequence = 0;
async function emailCustomer(customer: Partial<Customer> = {}, record: { category?: 'marketing' | 'transactional'; topic?: string } = {}) {
  const n = ++sequence;
  const requestId = `sup-request-${n}`;
  const customerId = `c-sup-${n}`;
  await world.putCustomer({ customerId, email: { address: 'customer@example.com', status: 'active' }, ...customer });
  await world.sent(requestId, customerId, 'email', record);
  const ses = (name: SesFixture): FeedbackEvent => {
    const result = fromSesEventBridge(sesFixture(name, { requestId, customerId, messageId: `m-${n}` }));
    if (!result.ok) throw new Error(result.reason);
    return result.event;
  };
  return { requestId, customerId, ses };
}

describe('hard bounce', () => {
  it('suppresses the email address, saying when and why', async () => {
    const { customerId, ses } = await emailCustomer();
    expect(await applyFeedbackEvent(ses('ses-bounce-permanent'), world.deps)).toMatchObject({ outcome: 'applied', status: 'BOUNCED', suppression: 'hard_bounce' });
    expect((await world.customer(customerId))?.email).toEqual({
      address: 'customer@example.com',
      status: 'suppressed',
      reason: 'bounced',
      updatedAt: '2026-11-24T12:00:03.669Z',
      source: 'ses_bounce',
    });
    expect(world.telemetry.events).toContainEqual({ kind: 'suppression', reason: 'hard_bounce' });
  });

  it('leaves the address active after a transient bounce', async () => {
    const { customerId, ses } = await emailCustomer();
    expect(await applyFeedbackEvent(ses('ses-bounce-transient'), world.deps)).not.toHaveProperty('suppression');
    expect((await world.customer(customerId))?.email?.status).toBe('active');
  });
});

describe('complaint', () => {
  it('stops marketing email on every topic while transactional email still passes', async () => {
    const { customerId, ses } = await emailCustomer({
      consent: { email: { '*': { value: 'opt_in', updatedAt: '2026-09-01T10:00:00Z', source: 'signup' }, news: 'opt_in' }, sms: { '*': 'opt_in' } },
    });
    await applyFeedbackEvent(ses('ses-open'), world.deps);
    expect(await applyFeedbackEvent(ses('ses-complaint'), world.deps)).toMatchObject({ status: 'COMPLAINED', suppression: 'complaint' });

    const customer = await world.customer(customerId);
    const complaint = { value: 'opt_out', updatedAt: '2026-11-24T14:04:58.000Z', source: 'complaint' };
    expect(customer?.consent).toEqual({ email: { news: complaint, promotions: complaint }, sms: { '*': 'opt_in' } });
    expect(customer?.email?.status).toBe('active');
    expect(checkConsent(customer?.consent, 'email', 'marketing', 'promotions').allowed).toBe(false);
    expect(checkConsent(customer?.consent, 'email', 'marketing', 'black-friday').allowed).toBe(false);
    expect(checkConsent(customer?.consent, 'email', 'transactional', 'order-updates').allowed).toBe(true);
  });

  it('writes the opt-out even when the customer has no consent on file yet', async () => {
    const { customerId, ses } = await emailCustomer();
    await applyFeedbackEvent(ses('ses-complaint'), world.deps);
    expect((await world.customer(customerId))?.consent).toEqual({ email: { promotions: { value: 'opt_out', updatedAt: '2026-11-24T14:04:58.000Z', source: 'complaint' } } });
  });

  it('counts one suppression when copies of the complaint race', async () => {
    const { ses } = await emailCustomer({ consent: { email: { '*': 'opt_in' } } });
    const before = world.telemetry.events.filter((e) => e.kind === 'suppression').length;
    const outcomes = await Promise.all([1, 2, 3].map(() => applyFeedbackEvent(ses('ses-complaint'), world.deps)));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect(world.telemetry.events.filter((e) => e.kind === 'suppression').length - before).toBe(1);
  });

  it('keeps an existing channel-wide opt-out and its provenance', async () => {
    const consent = { email: { '*': { value: 'opt_out' as const, updatedAt: '2026-10-01T00:00:00Z', source: 'preference-center' } } };
    const { customerId, ses } = await emailCustomer({ consent }, { category: 'transactional', topic: 'order-updates' });
    expect(await applyFeedbackEvent(ses('ses-complaint'), world.deps)).not.toHaveProperty('suppression');
    expect((await world.customer(customerId))?.consent).toEqual(consent);
  });

  it('still lands, and opts out of the message’s topic, when the customer record is malformed', async () => {
    const { requestId, customerId, ses } = await emailCustomer({ push: 'not-a-list', consent: { email: { news: 'opt_in' } } } as unknown as Partial<Customer>);
    expect(await applyFeedbackEvent(ses('ses-complaint'), world.deps)).toMatchObject({ outcome: 'applied', status: 'COMPLAINED', suppression: 'complaint' });
    expect((await world.delivery(requestId)).status).toBe('COMPLAINED');
    expect((await world.customer(customerId))?.consent?.email?.promotions).toEqual({ value: 'opt_out', updatedAt: '2026-11-24T14:04:58.000Z', source: 'complaint' });
  });
});

describe('unsubscribe', () => {
  it('opts out of the topic an SES subscription event names', async () => {
    const { customerId, ses } = await emailCustomer({ consent: { email: { '*': 'opt_in' } } });
    expect(await applyFeedbackEvent(ses('ses-subscription'), world.deps)).toMatchObject({ suppression: 'unsubscribe' });
    expect((await world.customer(customerId))?.consent?.email).toEqual({
      '*': 'opt_in',
      promotions: { value: 'opt_out', updatedAt: '2026-11-24T14:59:57.910Z', source: 'ses_subscription' },
    });
  });

  it('opts out of the topic of a one-click link, once however often it is clicked', async () => {
    const { requestId, customerId } = await emailCustomer({ consent: { email: { '*': 'opt_in' } } });
    const click = (at: string) => fromUnsubscribeLink({ requestId, customerId, topic: 'promotions', at: new Date(at) });
    expect(await applyFeedbackEvent(click('2026-11-24T15:00:00Z'), world.deps)).toMatchObject({ outcome: 'applied', suppression: 'unsubscribe' });
    expect(await applyFeedbackEvent(click('2026-11-24T15:00:30Z'), world.deps)).toMatchObject({ outcome: 'duplicate' });
    const customer = await world.customer(customerId);
    expect(customer?.consent?.email?.promotions).toEqual({ value: 'opt_out', updatedAt: '2026-11-24T15:00:00.000Z', source: 'one_click_unsubscribe' });
    expect(checkConsent(customer?.consent, 'email', 'marketing', 'promotions').allowed).toBe(false);
    expect(checkConsent(customer?.consent, 'email', 'marketing', 'new-arrivals').allowed).toBe(true);
    expect((await world.delivery(requestId)).timeline.at(-1)).toMatchObject({ status: 'SENT', detail: 'UNSUBSCRIBE promotions (one-click)' });
  });
});

describe('SMS opt-out', () => {
  it('suppresses the number and opts out of every SMS topic, as STOP does at send time', async () => {
    await world.putCustomer({ customerId: 'c-stop', phone: { number: '+4915100000000', status: 'active' }, consent: { sms: { promotions: 'opt_in' } } });
    await world.sent('r-stop', 'c-stop', 'sms');
    await world.index.remember('sms', smsFixtureMessageId('sms-opted-out'), 'r-stop', new Date('2026-11-24T12:00:00Z'));
    const result = fromSmsStatusLog(smsFixture('sms-opted-out'));
    if (!result.ok) throw new Error(result.reason);
    expect(await applyFeedbackEvent(result.event, world.deps)).toMatchObject({ status: 'FAILED', suppression: 'sms_opt_out' });
    const customer = await world.customer('c-stop');
    expect(customer?.phone).toEqual({ number: '+4915100000000', status: 'suppressed', reason: 'opted_out', updatedAt: '2026-11-24T12:00:00.601Z' });
    expect(customer?.consent?.sms).toEqual({ promotions: 'opt_in', '*': { value: 'opt_out', updatedAt: '2026-11-24T12:00:00.601Z', source: 'sms_opt_out' } });
    expect(customer?.engagement?.sms).toBeUndefined();
  });

  it('counts an SMS the carrier could not deliver as a bounce without suppressing the number', async () => {
    await world.putCustomer({ customerId: 'c-unreachable', phone: { number: '+4915100000000', status: 'active' } });
    await world.sent('r-unreachable', 'c-unreachable', 'sms');
    await world.index.remember('sms', smsFixtureMessageId('sms-failure'), 'r-unreachable', new Date('2026-11-24T12:00:00Z'));
    const result = fromSmsStatusLog(smsFixture('sms-failure'));
    if (!result.ok) throw new Error(result.reason);
    await applyFeedbackEvent(result.event, world.deps);
    const customer = await world.customer('c-unreachable');
    expect(customer?.phone?.status).toBe('active');
    expect(customer?.engagement?.sms).toEqual({ bounced: 1 });
  });
});
