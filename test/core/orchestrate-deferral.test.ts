import { describe, expect, it } from 'vitest';
import type { Customer } from '../../functions/core/model.js';
import { harness, opensOfTen, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

/** Reachable by push and SMS only: the customer the quiet hours used to silence. */
function phoneOnly(customerId: string, timeZone: string, overrides: Partial<Customer> = {}): Customer {
  const { email: _email, inApp: _inApp, ...rest } = reachableCustomer(customerId, { timeZone, ...overrides });
  return rest;
}

const orderUpdate = testTemplate({ id: 'order-update', category: 'transactional', topic: 'order-updates', channels: ['push', 'sms', 'email'] });

describe('deferral: a message held back only by the clock waits for its channel', () => {
  it('defers an order update for a customer asleep in Tokyo to 08:00 there, then sends it on push', async () => {
    // 02:00 in Tokyo (UTC+9): push and SMS are both in quiet hours 21:00–08:00.
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    const [outcome] = await h.run([testRequest({ template: 'order-update' })]);
    expect(outcome).toMatchObject({ status: 'DEFERRED', reason: 'QUIET_HOURS' });
    expect(h.totalSends()).toBe(0);
    const deferred = h.deliveries.get('r-1');
    expect(deferred).toMatchObject({ status: 'DEFERRED', deferredUntil: '2026-11-24T23:00:00.000Z' });
    expect(deferred?.decision?.timing).toMatchObject({ outcome: 'defer', reason: 'QUIET_HOURS', until: '2026-11-24T23:00:00.000Z' });
    expect(deferred?.timeline.at(-1)).toMatchObject({ status: 'DEFERRED' });
    expect(deferred?.timeline.at(-1)?.detail).toContain('QUIET_HOURS until 2026-11-24T23:00:00.000Z');
    expect(h.scheduler.list()).toEqual([expect.objectContaining({ requestId: 'r-1', kind: 'deferral', due: new Date('2026-11-24T23:00:00Z') })]);

    const fired = await h.fireWakesUntil(new Date('2026-11-25T00:00:00Z'));
    expect(fired).toEqual([expect.objectContaining({ status: 'SENT', channels: ['push'] })]);
    expect(h.senders.push.sent).toHaveLength(1);
    const sent = h.deliveries.get('r-1');
    expect(sent?.status).toBe('SENT');
    expect(sent?.timeline.map((event) => event.status)).toEqual(['ACCEPTED', 'DEFERRED', 'SENT']);
    // Nothing waits any more: the stored request and the wake are gone from the record.
    expect(sent?.wake).toBeUndefined();
    expect(sent?.request).toBeUndefined();
    expect(sent?.deferredUntil).toBeUndefined();
  });

  it('opens at 08:00 local in a half-hour zone (India, UTC+05:30)', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Kolkata')], templates: [orderUpdate], now: '2026-11-24T20:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-11-25T02:30:00.000Z');
  });

  it('opens at 08:00 local in a zone with a 45-minute offset (Chatham Islands, UTC+13:45 in summer)', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Pacific/Chatham')], templates: [orderUpdate], now: '2026-11-24T10:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-11-24T18:15:00.000Z');
  });

  it('opens at 08:00 summer time the morning the clocks go forward in Berlin', async () => {
    // 23:00 CET on Saturday 28 March 2026; the clocks go from 02:00 to 03:00 that night.
    const h = harness({ customers: [phoneOnly('c-1', 'Europe/Berlin')], templates: [orderUpdate], now: '2026-03-28T22:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-03-29T06:00:00.000Z');
  });

  it('opens at 08:00 winter time the morning the clocks go back in Adelaide (UTC+10:30 to +09:30)', async () => {
    // 23:00 ACDT on Saturday 4 April 2026; at 03:00 the clocks go back to 02:00.
    const h = harness({ customers: [phoneOnly('c-1', 'Australia/Adelaide')], templates: [orderUpdate], now: '2026-04-04T12:30:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-04-04T22:30:00.000Z');
  });

  it('makes marketing wait for the best channel rather than send it on a worse one open now', async () => {
    // 23:30 in Berlin; the customer reads push, the best channel, but it is quiet; email is open.
    const h = harness({ customers: [reachableCustomer('c-1', opensOfTen({ push: 8 }))], now: '2026-11-24T22:30:00Z' });
    const [outcome] = await h.run([testRequest({ channels: ['push', 'email'] })]);
    expect(outcome).toMatchObject({ status: 'DEFERRED', reason: 'QUIET_HOURS' });
    const timing = h.deliveries.get('r-1')?.decision?.timing;
    expect(timing?.reasons.join('\n')).toMatch(/email is open now but ranks below push/);
    expect(timing?.reasons.join('\n')).toMatch(/marketing waits for the best channel/);
  });

  it('holds a template with a send window until the window opens, naming SEND_WINDOW', async () => {
    const windowed = testTemplate({ channels: ['email'], sendWindow: { notBefore: '10:00', notAfter: '18:00' } });
    // 08:00 in Berlin: after quiet hours, before the template's window.
    const h = harness({ customers: [reachableCustomer('c-1')], templates: [windowed], now: '2026-11-24T07:00:00Z' });
    const [outcome] = await h.run([testRequest()]);
    expect(outcome).toMatchObject({ status: 'DEFERRED', reason: 'SEND_WINDOW' });
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-11-24T09:00:00.000Z');
    expect(h.deliveries.get('r-1')?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'email', reason: 'SEND_WINDOW' }));
  });
});

describe('deferral and expiresAt: never a wait that outlives the moment', () => {
  it('does not defer when the channel opens only after expiresAt: the best channel open now takes it, and the record says why', async () => {
    // 23:30 in Berlin; the offer ends at 01:00, long before push, the best channel, opens at 08:00.
    const h = harness({ customers: [reachableCustomer('c-1', opensOfTen({ push: 8 }))], now: '2026-11-24T22:30:00Z' });
    const [outcome] = await h.run([testRequest({ channels: ['push', 'email'], expiresAt: '2026-11-25T00:00:00Z' })]);
    expect(outcome).toMatchObject({ status: 'SENT', channels: ['email'] });
    const timing = h.deliveries.get('r-1')?.decision?.timing;
    expect(timing?.outcome).toBe('send_now');
    expect(timing?.reasons.join('\n')).toMatch(/would land at or after expiresAt/);
    expect(h.scheduler.list()).toEqual([]);
  });

  it('records EXPIRED with the reason when no channel opens before expiresAt', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    const [outcome] = await h.run([testRequest({ template: 'order-update', expiresAt: '2026-11-24T20:00:00Z' })]);
    expect(outcome).toMatchObject({ status: 'EXPIRED', reason: 'QUIET_HOURS' });
    const record = h.deliveries.get('r-1');
    expect(record?.decision?.timing).toMatchObject({ outcome: 'expire', reason: 'QUIET_HOURS' });
    expect(record?.timeline.at(-1)?.detail).toMatch(/no channel opens before expiresAt/);
    expect(h.totalSends()).toBe(0);
    expect(h.scheduler.list()).toEqual([]);
  });

  it('expires a deferred request whose expiresAt passes while it waits', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    await h.run([testRequest({ template: 'order-update', expiresAt: '2026-11-24T23:30:00Z' })]);
    expect(h.deliveries.get('r-1')?.status).toBe('DEFERRED');
    // The wake comes late, after the moment ended.
    h.advance(7 * 3_600_000);
    const [wake] = h.scheduler.list();
    if (!wake) throw new Error('no wake was arranged');
    const [outcome] = await h.run([h.scheduler.take(wake)]);
    expect(outcome).toMatchObject({ status: 'EXPIRED' });
    expect(h.totalSends()).toBe(0);
  });
});

describe('a deferred request is decided again when it wakes', () => {
  it('is SUPPRESSED at wake time when the customer withdrew consent while it waited', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    h.customers.put(phoneOnly('c-1', 'Asia/Tokyo', { consent: { push: { '*': 'opt_out' }, sms: { '*': 'opt_out' } } }));
    const fired = await h.fireWakesUntil(new Date('2026-11-25T00:00:00Z'));
    expect(fired).toEqual([expect.objectContaining({ status: 'SUPPRESSED' })]);
    expect(h.totalSends()).toBe(0);
    expect(h.deliveries.get('r-1')?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'push', reason: 'OPTED_OUT' }));
  });

  it('sends once when the same wake arrives twice, in one batch or one after the other', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    const [wake] = h.scheduler.list();
    if (!wake) throw new Error('no wake was arranged');
    h.advance(6 * 3_600_000);
    const message = h.scheduler.take(wake);
    const together = await h.run([message, message]);
    const after = await h.run([message]);
    expect(h.senders.push.sent).toHaveLength(1);
    expect(together.map((o) => o.status).sort()).toEqual(['RETRY', 'SENT']);
    expect(after).toEqual([expect.objectContaining({ status: 'DUPLICATE', reason: 'STALE_WAKE' })]);
  });

  it('ignores the original request delivered again while it is deferred', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    const [again] = await h.run([testRequest({ template: 'order-update' })]);
    expect(again).toMatchObject({ status: 'DUPLICATE', reason: 'already DEFERRED' });
    expect(h.scheduler.list()).toHaveLength(1);
  });

  it('claims nothing with a wake whose token the record does not expect, and rejects a malformed wake', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    await h.run([testRequest({ template: 'order-update' })]);
    const [stale, malformed] = await h.run([{ wake: { requestId: 'r-1', token: 'd9', kind: 'deferral' } }, { wake: { requestId: 'r-1', token: 'd 1', kind: 'nap' } }]);
    expect(stale).toMatchObject({ status: 'DUPLICATE', reason: 'STALE_WAKE' });
    expect(malformed).toMatchObject({ status: 'REJECTED', reason: 'INVALID_WAKE' });
    expect(h.deliveries.get('r-1')?.status).toBe('DEFERRED');
    expect(h.totalSends()).toBe(0);
  });

  it('goes back to the queue, recording nothing as DEFERRED, when no wake can be arranged', async () => {
    const h = harness({ customers: [phoneOnly('c-1', 'Asia/Tokyo')], templates: [orderUpdate], now: '2026-11-24T17:00:00Z' });
    h.deps.scheduler.schedule = () => Promise.reject(Object.assign(new Error('throttled'), { code: 'THROTTLED', retryable: true }));
    const [outcome] = await h.run([testRequest({ template: 'order-update' })]);
    expect(outcome?.status).toBe('RETRY');
    expect(h.deliveries.get('r-1')?.status).toBe('ACCEPTED');
  });
});

describe('sendAt: scheduled sends', () => {
  it('waits for 09:00 on the customer clock, then decides and sends', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')], now: '2026-11-24T12:00:00Z' });
    const [outcome] = await h.run([testRequest({ channels: ['email'], sendAt: { localTime: '09:00' } })]);
    expect(outcome).toMatchObject({ status: 'DEFERRED', reason: 'SCHEDULED' });
    // 09:00 in Berlin the next morning (UTC+1).
    expect(h.deliveries.get('r-1')?.deferredUntil).toBe('2026-11-25T08:00:00.000Z');
    const fired = await h.fireWakesUntil(new Date('2026-11-25T09:00:00Z'));
    expect(fired).toEqual([expect.objectContaining({ status: 'SENT', channels: ['email'] })]);
    expect(h.scheduler.list()).toEqual([]);
  });

  it('sends at once when an absolute sendAt has already passed', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([testRequest({ channels: ['email'], sendAt: '2026-11-24T11:00:00Z' })]);
    expect(outcome).toMatchObject({ status: 'SENT' });
  });

  it('records EXPIRED, reason SCHEDULED, when sendAt is at or after expiresAt', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([testRequest({ sendAt: '2026-11-24T15:00:00Z', expiresAt: '2026-11-24T14:00:00Z' })]);
    expect(outcome).toMatchObject({ status: 'EXPIRED', reason: 'SCHEDULED' });
    expect(h.totalSends()).toBe(0);
  });

  it('rejects a sendAt without an offset, listing the problem', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([testRequest({ sendAt: '2026-11-24T15:00:00' })]);
    expect(outcome).toMatchObject({ status: 'REJECTED' });
    expect(h.deliveries.get('r-1')?.problems).toContainEqual(expect.objectContaining({ path: 'sendAt' }));
  });
});
