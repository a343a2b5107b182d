import { describe, expect, it } from 'vitest';
import { checkConsent } from '../../functions/core/consent.js';
import type { Category, Channel, ConsentBook } from '../../functions/core/model.js';

type Expected = 'allowed' | 'NO_CONSENT' | 'OPTED_OUT';

const withSource = { value: 'opt_in', updatedAt: '2026-09-01T10:00:00Z', source: 'signup' } as const;
const stopped = { value: 'opt_out', updatedAt: '2026-10-05T07:40:00Z', source: 'sms_stop' } as const;

const cases: [string, ConsentBook | undefined, Channel, Category, string, Expected][] = [
  ['marketing with a channel-wide opt-in', { email: { '*': 'opt_in' } }, 'email', 'marketing', 'promotions', 'allowed'],
  ['marketing with a topic opt-in', { sms: { promotions: 'opt_in' } }, 'sms', 'marketing', 'promotions', 'allowed'],
  ['marketing with an object-form opt-in', { email: { '*': withSource } }, 'email', 'marketing', 'promotions', 'allowed'],
  ['marketing with no consent at all', undefined, 'push', 'marketing', 'promotions', 'NO_CONSENT'],
  ['marketing with consent on another channel only', { email: { '*': 'opt_in' } }, 'push', 'marketing', 'promotions', 'NO_CONSENT'],
  ['marketing with an opt-in for another topic only', { sms: { 'order-updates': 'opt_in' } }, 'sms', 'marketing', 'promotions', 'NO_CONSENT'],
  ['marketing with an unreadable entry', { push: { '*': 'yes' as never } }, 'push', 'marketing', 'promotions', 'NO_CONSENT'],
  ['marketing with an object entry of unknown value', { push: { '*': { value: 'maybe' as never } } }, 'push', 'marketing', 'promotions', 'NO_CONSENT'],
  ['marketing after a channel-wide opt-out', { email: { '*': 'opt_out' } }, 'email', 'marketing', 'promotions', 'OPTED_OUT'],
  ['marketing after a topic opt-out despite a channel-wide opt-in', { sms: { '*': 'opt_in', promotions: 'opt_out' } }, 'sms', 'marketing', 'promotions', 'OPTED_OUT'],
  ['a topic opt-in under a channel-wide opt-out', { sms: { '*': stopped, promotions: 'opt_in' } }, 'sms', 'marketing', 'promotions', 'OPTED_OUT'],
  ['transactional with no consent at all', undefined, 'email', 'transactional', 'order-updates', 'allowed'],
  ['transactional with an opt-out of another topic', { sms: { promotions: 'opt_out' } }, 'sms', 'transactional', 'order-updates', 'allowed'],
  ['transactional after a channel-wide opt-out', { sms: { '*': stopped } }, 'sms', 'transactional', 'order-updates', 'OPTED_OUT'],
  [
    'transactional after a channel-wide opt-out despite a topic opt-in',
    { sms: { '*': 'opt_out', 'order-updates': 'opt_in' } },
    'sms',
    'transactional',
    'order-updates',
    'OPTED_OUT',
  ],
  ['transactional after an opt-out of its topic', { push: { 'order-updates': 'opt_out' } }, 'push', 'transactional', 'order-updates', 'OPTED_OUT'],
];

describe('checkConsent', () => {
  it.each(cases)('%s', (_name, consent, channel, category, topic, expected) => {
    const verdict = checkConsent(consent, channel, category, topic);
    expect(verdict.allowed ? 'allowed' : verdict.reason).toBe(expected);
  });

  it('names the entry that decided, with its source and date', () => {
    expect(checkConsent({ sms: { '*': stopped, promotions: 'opt_in' } }, 'sms', 'marketing', 'promotions')).toEqual({
      allowed: false,
      reason: 'OPTED_OUT',
      basis: 'sms/*: opt_out (sms_stop, 2026-10-05T07:40:00Z)',
    });
    expect(checkConsent({ email: { '*': withSource } }, 'email', 'marketing', 'promotions')).toEqual({
      allowed: true,
      basis: 'email/*: opt_in (signup, 2026-09-01T10:00:00Z)',
    });
  });

  it('prefers the topic opt-in over the channel-wide one as the basis', () => {
    const verdict = checkConsent({ push: { '*': 'opt_in', promotions: 'opt_in' } }, 'push', 'marketing', 'promotions');
    expect(verdict).toEqual({ allowed: true, basis: 'push/promotions: opt_in' });
  });

  it('names the most specific entry behind a transactional pass, or says there was none', () => {
    const book: ConsentBook = { sms: { '*': { value: 'opt_in', source: 'signup' }, 'order-updates': { value: 'opt_in', source: 'checkout' } } };
    expect(checkConsent(book, 'sms', 'transactional', 'order-updates')).toEqual({ allowed: true, basis: 'sms/order-updates: opt_in (checkout)' });
    expect(checkConsent(book, 'sms', 'transactional', 'returns')).toEqual({ allowed: true, basis: 'sms/*: opt_in (signup)' });
    expect(checkConsent(undefined, 'sms', 'transactional', 'returns')).toEqual({ allowed: true, basis: 'sms: transactional, no opt-out' });
  });

  it('explains a missing marketing opt-in', () => {
    expect(checkConsent({}, 'in_app', 'marketing', 'promotions')).toEqual({
      allowed: false,
      reason: 'NO_CONSENT',
      basis: 'in_app: no opt-in for promotions or for every topic',
    });
  });

  it("applies Lena's consent (test/fixtures/customers/lena-c-1001.json)", () => {
    const lena: ConsentBook = {
      email: { '*': withSource },
      sms: { promotions: 'opt_out', 'order-updates': 'opt_in' },
      push: { '*': 'opt_in' },
      in_app: { '*': 'opt_in' },
    };
    expect(checkConsent(lena, 'sms', 'marketing', 'promotions')).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });
    expect(checkConsent(lena, 'sms', 'transactional', 'order-updates')).toMatchObject({ allowed: true });
    expect(checkConsent(lena, 'sms', 'marketing', 'new-arrivals')).toMatchObject({ allowed: false, reason: 'NO_CONSENT' });
    expect(checkConsent(lena, 'push', 'marketing', 'promotions')).toMatchObject({ allowed: true });
  });
});
