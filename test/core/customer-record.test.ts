import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { customerRecordSchema, isMalformedCustomer, malformedCustomer, parseCustomerRecord } from '../../functions/core/customer-record.js';
import type { Customer } from '../../functions/core/model.js';
import { MAX_PROBLEM_TEXT, MAX_PROBLEMS } from '../../functions/core/problem-bounds.js';
import { CUSTOMER_FIXTURES, customerFixture } from '../fixtures/customers.js';

const lena = () => customerFixture('lena-c-1001') as Customer & Record<string, unknown>;

function problemsOf(item: unknown) {
  const result = parseCustomerRecord(item);
  if (result.ok) throw new Error('expected the record to be refused');
  return result.problems;
}

describe('the stored customer record', () => {
  it('reads every fixture exactly as stored', () => {
    for (const name of CUSTOMER_FIXTURES) {
      const stored = customerFixture(name);
      expect(parseCustomerRecord(stored), name).toEqual({ ok: true, customer: stored });
    }
  });

  it('lets through attributes other systems write, at the top and inside the parts it reads', () => {
    const stored = {
      ...lena(),
      loyaltyId: 'L-77',
      email: { address: 'lena@example.com', status: 'active', verifiedAt: '2026-01-02T00:00:00Z' },
      consent: { ...lena().consent, whatsapp: { '*': 'maybe' } },
      engagement: { ...lena().engagement, whatsapp: { replies: 'many' } },
      context: { ...lena().context, device: 'pixel' },
    };
    expect(parseCustomerRecord(stored)).toEqual({ ok: true, customer: stored });
  });

  it('accepts the nulls the stored context may hold', () => {
    const stored = { customerId: 'c-1', context: { storeId: null, sessionActiveUntil: null } };
    expect(parseCustomerRecord(stored)).toEqual({ ok: true, customer: stored });
  });

  it('names each field of the wrong type by its path', () => {
    const broken = { ...lena(), push: 'f3c1…', consent: 7, email: { status: 'active' } };
    expect(parseCustomerRecord(broken)).toEqual({
      ok: false,
      customerId: 'c-1001',
      problems: expect.arrayContaining([
        { path: 'push', message: expect.stringMatching(/expected array/) },
        { path: 'consent', message: expect.stringMatching(/expected object/) },
        { path: 'email.address', message: expect.stringMatching(/expected string/) },
      ]),
    });
    expect(problemsOf(broken)).toHaveLength(3);
  });

  it('refuses values the decision would misread, down to the entry', () => {
    const broken = {
      ...lena(),
      push: [
        { token: 'a', platform: 'APNS' },
        { token: 'b', platform: 'WINDOWS' },
      ],
      phone: { number: '+4915112345678', status: 'SUPPRESSED' },
      consent: { email: { promotions: 'yes', news: { value: 'opt_out' } } },
      inApp: { enabled: 'true' },
      preferences: { preferredChannels: ['push', 'fax'] },
      engagement: { email: { opened: '4' } },
      context: { surface: 'moon' },
    };
    expect(problemsOf(broken).map((p) => p.path)).toEqual([
      'phone.status',
      'push.1.platform',
      'inApp.enabled',
      'consent.email.promotions',
      'preferences.preferredChannels.1',
      'engagement.email.opened',
      'context.surface',
    ]);
    expect(problemsOf(broken).find((p) => p.path === 'consent.email.promotions')?.message).toMatch(/"opt_in", "opt_out"/);
  });

  it('needs a customer id and an object to find it in', () => {
    expect(problemsOf({ locale: 'de-DE' })).toEqual([{ path: 'customerId', message: expect.any(String) }]);
    expect(parseCustomerRecord('c-1')).toEqual({ ok: false, customerId: undefined, problems: [{ path: '', message: expect.stringMatching(/expected object/) }] });
  });

  it('keeps the list short and each message bounded, however broken the record', () => {
    const push = Array.from({ length: 500 }, (_, i) => ({ token: i, platform: 'x'.repeat(10_000) }));
    const problems = problemsOf({ customerId: 'c-1', push });
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems.at(-1)).toEqual({ path: '', message: `and ${1000 - MAX_PROBLEMS} more problems` });
    for (const problem of problems) expect(problem.message.length).toBeLessThanOrEqual(MAX_PROBLEM_TEXT);
  });

  it('reads into the shape of Customer (checked when the tests type-check)', () => {
    expectTypeOf<z.output<typeof customerRecordSchema>>().toExtend<Customer>();
  });
});

describe('telling a malformed record from a customer', () => {
  it('tells them apart, even when a customer carries an attribute named malformed', () => {
    const parsed = parseCustomerRecord({ ...lena(), malformed: ['written by someone else'] });
    expect(parsed.ok && isMalformedCustomer(parsed.customer)).toBe(false);
    expect(isMalformedCustomer(malformedCustomer('c-1', [{ path: 'push', message: 'x' }]))).toBe(true);
  });
});
