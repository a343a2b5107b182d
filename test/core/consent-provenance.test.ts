import { describe, expect, it } from 'vitest';
import { supersedes } from '../../functions/core/consent-precedence.js';
import { consentProvenance, type HistoryEntry, interleaveConsent } from '../../functions/core/history.js';

describe('supersedes: which consent change may replace the stored entry', () => {
  const change = (value: 'opt_in' | 'opt_out', updatedAt: string) => ({ value, updatedAt });

  it('a newer change wins, an older one does not, whatever form the stored time is in', () => {
    expect(supersedes(change('opt_in', '2026-11-24T10:00:01.000Z'), { value: 'opt_out', updatedAt: '2026-11-24T10:00:00.000Z' })).toBe(true);
    expect(supersedes(change('opt_out', '2026-11-24T09:59:59.000Z'), { value: 'opt_in', updatedAt: '2026-11-24T10:00:00.000Z' })).toBe(false);
    // 11:00+01:00 is 10:00Z: the same instant as text that sorts differently.
    expect(supersedes(change('opt_in', '2026-11-24T10:00:00.001Z'), { value: 'opt_out', updatedAt: '2026-11-24T11:00:00+01:00' })).toBe(true);
  });

  it('an entry without a readable time is older than any dated change', () => {
    expect(supersedes(change('opt_in', '2020-01-01T00:00:00.000Z'), { value: 'opt_out' })).toBe(true);
    expect(supersedes(change('opt_in', '2020-01-01T00:00:00.000Z'), { value: 'opt_out', updatedAt: 'last week' })).toBe(true);
    expect(supersedes(change('opt_in', '2020-01-01T00:00:00.000Z'), undefined)).toBe(true);
  });

  it('at the same instant an opt-out wins, and the same value is written again', () => {
    const at = '2026-11-24T10:00:00.000Z';
    expect(supersedes(change('opt_out', at), { value: 'opt_in', updatedAt: at })).toBe(true);
    expect(supersedes(change('opt_in', at), { value: 'opt_out', updatedAt: at })).toBe(false);
    expect(supersedes(change('opt_in', at), { value: 'opt_in', updatedAt: at })).toBe(true);
  });

  it('a change without a readable time never replaces anything', () => {
    expect(supersedes(change('opt_out', 'now'), undefined)).toBe(false);
  });
});

describe('consent provenance in the history view', () => {
  const consent = {
    email: {
      promotions: { value: 'opt_out', updatedAt: '2026-11-24T10:30:00Z', source: 'one_click_unsubscribe' },
      'order-updates': 'opt_in',
      broken: { value: 'maybe', updatedAt: '2026-11-24T10:00:00.000Z' },
    },
    sms: { '*': { value: 'opt_in', updatedAt: '2026-11-20T08:00:00.000Z', source: 'api:crm-sync' } },
    fax: { '*': 'opt_in' },
  };

  it('lists every readable entry with its time and source, newest first, undated last', () => {
    expect(consentProvenance(consent)).toEqual([
      { channel: 'email', topic: 'promotions', value: 'opt_out', at: '2026-11-24T10:30:00.000Z', source: 'one_click_unsubscribe' },
      { channel: 'sms', topic: '*', value: 'opt_in', at: '2026-11-20T08:00:00.000Z', source: 'api:crm-sync' },
      { channel: 'email', topic: 'order-updates', value: 'opt_in' },
    ]);
    expect(consentProvenance(undefined)).toEqual([]);
    expect(consentProvenance('opt_in')).toEqual([]);
  });

  const message = (requestId: string, createdAt: string) => ({ requestId, createdAt }) as HistoryEntry;
  const ids = (events: ReturnType<typeof interleaveConsent>['events']) => events.map((e) => (e.kind === 'message' ? e.entry.requestId : `${e.change.channel}/${e.change.topic}`));

  it('places each decision between the messages by time; older ones wait for the page they belong to', () => {
    const items = [message('r-3', '2026-11-24T11:00:00.000Z'), message('r-2', '2026-11-24T10:00:00.000Z'), message('r-1', '2026-11-22T10:00:00.000Z')];
    const provenance = consentProvenance(consent);
    expect(ids(interleaveConsent(items, provenance, true).events)).toEqual(['r-3', 'email/promotions', 'r-2', 'r-1', 'sms/*', 'email/order-updates']);
    expect(interleaveConsent(items, provenance, false)).toMatchObject({ olderConsent: 2 });
    expect(ids(interleaveConsent(items, provenance, false).events)).toEqual(['r-3', 'email/promotions', 'r-2', 'r-1']);
    expect(ids(interleaveConsent([], provenance, false).events)).toEqual(['email/promotions', 'sms/*', 'email/order-updates']);
  });
});
