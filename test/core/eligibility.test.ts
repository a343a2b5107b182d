import { describe, expect, it } from 'vitest';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import { checkEligibility, livePushTokens } from '../../functions/core/eligibility.js';
import type { Category, Channel, Customer, ExclusionReason } from '../../functions/core/model.js';

const config: DecisionConfig = defaultDecisionConfig;

const AFTERNOON_IN_BERLIN = '2026-11-23T12:00:00Z';
const NIGHT_IN_BERLIN = '2026-11-23T22:30:00Z';

function customer(change: (c: Customer) => void = () => undefined): Customer {
  const base: Customer = {
    customerId: 'c-1',
    timeZone: 'Europe/Berlin',
    email: { address: 'ada@example.com', status: 'active' },
    phone: { number: '+4915112345678', status: 'active' },
    push: [{ token: 'token-1', platform: 'APNS', status: 'active' }],
    inApp: { enabled: true },
    consent: { email: { '*': 'opt_in' }, sms: { '*': 'opt_in' }, push: { '*': 'opt_in' }, in_app: { '*': 'opt_in' } },
  };
  change(base);
  return base;
}

interface Situation {
  channel: Channel;
  category?: Category;
  priority?: 'high' | 'normal';
  at?: string;
}

const cases: [string, Customer, Situation, ExclusionReason | 'eligible'][] = [
  ['a reachable, opted-in customer on email', customer(), { channel: 'email' }, 'eligible'],
  ['a reachable, opted-in customer on sms', customer(), { channel: 'sms' }, 'eligible'],
  ['a reachable, opted-in customer on push', customer(), { channel: 'push' }, 'eligible'],
  ['a reachable, opted-in customer on in-app', customer(), { channel: 'in_app' }, 'eligible'],

  ['marketing without an opt-in', customer((c) => (c.consent = { push: {} })), { channel: 'push' }, 'NO_CONSENT'],
  ['transactional without any consent entry', customer((c) => delete c.consent), { channel: 'push', category: 'transactional' }, 'eligible'],
  ['transactional after a channel-wide opt-out', customer((c) => (c.consent = { sms: { '*': 'opt_out' } })), { channel: 'sms', category: 'transactional' }, 'OPTED_OUT'],
  ['marketing after a topic opt-out', customer((c) => (c.consent = { email: { '*': 'opt_in', promotions: 'opt_out' } })), { channel: 'email' }, 'OPTED_OUT'],

  ['no email address', customer((c) => delete c.email), { channel: 'email' }, 'NO_ADDRESS'],
  ['an empty email address', customer((c) => (c.email = { address: '' })), { channel: 'email' }, 'NO_ADDRESS'],
  ['a suppressed email address', customer((c) => (c.email = { address: 'a@example.com', status: 'suppressed', reason: 'complained' })), { channel: 'email' }, 'ADDRESS_SUPPRESSED'],
  ['an email address without a status (active)', customer((c) => (c.email = { address: 'a@example.com' })), { channel: 'email' }, 'eligible'],

  ['no phone number', customer((c) => delete c.phone), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a national-format phone number', customer((c) => (c.phone = { number: '015112345678' })), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a phone number with spaces', customer((c) => (c.phone = { number: '+49 151 12345678' })), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a phone number with country code 0', customer((c) => (c.phone = { number: '+04915112345678' })), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a phone number too short for E.164', customer((c) => (c.phone = { number: '+4912345' })), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a phone number too long for E.164', customer((c) => (c.phone = { number: '+4915112345678901' })), { channel: 'sms' }, 'NO_ADDRESS'],
  ['a suppressed phone number', customer((c) => (c.phone = { number: '+4915112345678', status: 'suppressed', reason: 'opted_out' })), { channel: 'sms' }, 'ADDRESS_SUPPRESSED'],

  ['no push tokens', customer((c) => delete c.push), { channel: 'push' }, 'NO_ADDRESS'],
  ['an empty push token list', customer((c) => (c.push = [])), { channel: 'push' }, 'NO_ADDRESS'],
  [
    'every push token suppressed',
    customer(
      (c) =>
        (c.push = [
          { token: 't1', platform: 'APNS', status: 'suppressed', reason: 'invalid' },
          { token: 't2', platform: 'GCM', status: 'suppressed', reason: 'invalid' },
        ]),
    ),
    { channel: 'push' },
    'ADDRESS_SUPPRESSED',
  ],
  [
    'one live push token among dead ones',
    customer(
      (c) =>
        (c.push = [
          { token: 't1', platform: 'APNS', status: 'suppressed', reason: 'invalid' },
          { token: 't2', platform: 'GCM' },
        ]),
    ),
    { channel: 'push' },
    'eligible',
  ],
  ['in-app disabled', customer((c) => (c.inApp = { enabled: false })), { channel: 'in_app' }, 'NO_ADDRESS'],
  ['in-app never set up', customer((c) => delete c.inApp), { channel: 'in_app' }, 'NO_ADDRESS'],

  ['push at night', customer(), { channel: 'push', at: NIGHT_IN_BERLIN }, 'QUIET_HOURS'],
  ['sms at night', customer(), { channel: 'sms', at: NIGHT_IN_BERLIN }, 'QUIET_HOURS'],
  ['email at night (silent channel)', customer(), { channel: 'email', at: NIGHT_IN_BERLIN }, 'eligible'],
  ['in-app at night (silent channel)', customer(), { channel: 'in_app', at: NIGHT_IN_BERLIN }, 'eligible'],
  ['high-priority transactional push at night', customer(), { channel: 'push', category: 'transactional', priority: 'high', at: NIGHT_IN_BERLIN }, 'eligible'],
  ['normal transactional push at night', customer(), { channel: 'push', category: 'transactional', at: NIGHT_IN_BERLIN }, 'QUIET_HOURS'],
  ['high-priority marketing push at night', customer(), { channel: 'push', priority: 'high', at: NIGHT_IN_BERLIN }, 'QUIET_HOURS'],
  [
    "the customer's own window (13:00 in Berlin inside 12:30–14:00)",
    customer((c) => (c.preferences = { quietHours: { start: '12:30', end: '14:00' } })),
    { channel: 'push' },
    'QUIET_HOURS',
  ],
  [
    "the customer's own window lets 23:30 through",
    customer((c) => (c.preferences = { quietHours: { start: '00:00', end: '06:00' } })),
    { channel: 'push', at: NIGHT_IN_BERLIN },
    'eligible',
  ],
  [
    'a malformed own window falls back to the default',
    customer((c) => (c.preferences = { quietHours: { start: 'late', end: 'early' } })),
    { channel: 'push', at: NIGHT_IN_BERLIN },
    'QUIET_HOURS',
  ],
  // 20:30 UTC is 21:30 in Berlin, but without a zone the customer is read as UTC.
  ['no time zone, read as UTC', customer((c) => delete c.timeZone), { channel: 'push', at: '2026-11-23T20:30:00Z' }, 'eligible'],

  ['consent is checked before reachability', customer((c) => ((c.consent = {}), delete c.email)), { channel: 'email' }, 'NO_CONSENT'],
  ['reachability is checked before quiet hours', customer((c) => delete c.phone), { channel: 'sms', at: NIGHT_IN_BERLIN }, 'NO_ADDRESS'],
];

function check(who: Customer, situation: Situation) {
  return checkEligibility(
    {
      customer: who,
      channel: situation.channel,
      category: situation.category ?? 'marketing',
      topic: 'promotions',
      priority: situation.priority ?? 'normal',
      now: new Date(situation.at ?? AFTERNOON_IN_BERLIN),
    },
    config,
  );
}

describe('checkEligibility', () => {
  it.each(cases)('%s', (_name, who, situation, expected) => {
    const verdict = check(who, situation);
    expect(verdict.eligible ? 'eligible' : verdict.excluded.reason).toBe(expected);
  });

  it('names the channel in both outcomes', () => {
    expect(check(customer(), { channel: 'in_app' })).toEqual({ eligible: true, channel: 'in_app' });
    expect(
      check(
        customer((c) => delete c.email),
        { channel: 'email' },
      ),
    ).toMatchObject({ eligible: false, excluded: { channel: 'email' } });
  });

  it.each([
    [
      'the consent entry that decided',
      customer((c) => (c.consent = { sms: { '*': { value: 'opt_out', source: 'sms_stop' } } })),
      { channel: 'sms' as const },
      'sms/*: opt_out (sms_stop)',
    ],
    ['a malformed phone number', customer((c) => (c.phone = { number: '0151 1234' })), { channel: 'sms' as const }, 'phone number is not in E.164 format'],
    [
      'why an address is suppressed',
      customer((c) => (c.email = { address: 'a@example.com', status: 'suppressed', reason: 'bounced' })),
      { channel: 'email' as const },
      'email address suppressed (bounced)',
    ],
    [
      'how many push tokens are dead',
      customer(
        (c) =>
          (c.push = [
            { token: 't1', platform: 'APNS', status: 'suppressed', reason: 'invalid' },
            { token: 't2', platform: 'GCM', status: 'suppressed', reason: 'opted_out' },
          ]),
      ),
      { channel: 'push' as const },
      'all 2 push token(s) suppressed (invalid, opted_out)',
    ],
    [
      'the window and zone of quiet hours',
      customer((c) => (c.preferences = { quietHours: { start: '22:00', end: '07:30' } })),
      { channel: 'push' as const, at: NIGHT_IN_BERLIN },
      'quiet hours 22:00–07:30 in Europe/Berlin',
    ],
    [
      'a time zone that fell back to UTC',
      customer((c) => (c.timeZone = 'Nowhere/Special')),
      { channel: 'push' as const, at: NIGHT_IN_BERLIN },
      'quiet hours 21:00–08:00 in UTC (time zone missing or unknown)',
    ],
  ])('explains %s without personal data', (_name, who, situation, detail) => {
    const verdict = check(who, situation);
    expect(verdict.eligible ? undefined : verdict.excluded.detail).toBe(detail);
  });

  it('never puts an address in the detail', () => {
    const who = customer((c) => (c.phone = { number: '+4915112345678', status: 'suppressed', reason: 'opted_out' }));
    const verdict = check(who, { channel: 'sms' });
    expect(verdict.eligible ? '' : verdict.excluded.detail).not.toContain('4915112345678');
  });
});

describe('livePushTokens', () => {
  it('keeps active tokens and tokens without a status, drops suppressed and empty ones', () => {
    const who = customer(
      (c) =>
        (c.push = [
          { token: 'live', platform: 'APNS', status: 'active' },
          { token: 'dead', platform: 'APNS', status: 'suppressed', reason: 'invalid' },
          { token: 'unknown-status', platform: 'GCM' },
          { token: '', platform: 'GCM' },
        ]),
    );
    expect(livePushTokens(who).map((t) => t.token)).toEqual(['live', 'unknown-status']);
  });

  it('is empty for a customer without push', () => {
    expect(livePushTokens(customer((c) => delete c.push))).toEqual([]);
  });
});
