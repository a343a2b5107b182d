import { describe, expect, it } from 'vitest';
import type { Channel } from '../../functions/core/model.js';
import { harness, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

const MINUTE = 60_000;

/** In the app right now: in-app ranks first, then push, then email. */
function inApp() {
  return harness({ customers: [reachableCustomer('c-1')], now: '2026-11-24T12:00:00Z' });
}

function escalating(over: Record<string, unknown> = {}) {
  return testRequest({ strategy: 'escalate', channels: ['in_app', 'push', 'email'], escalateAfter: 'PT30M', context: { sessionActive: true }, ...over });
}

/** What the feedback loop writes when the customer opens the message on a channel. */
function engage(h: ReturnType<typeof inApp>, channel: Channel) {
  h.deliveries.get('r-1')?.timeline.push({ status: 'OPENED', at: h.now().toISOString(), channel });
}

function sentChannels(h: ReturnType<typeof inApp>) {
  return (['in_app', 'push', 'email', 'sms'] as const).flatMap((channel) => h.senders[channel].sent.map(() => channel));
}

describe('strategy escalate: the next channel only while nobody engages', () => {
  it('sends in-app, then push after 30 unread minutes, then email, and stops after the last channel', async () => {
    const h = inApp();
    const [first] = await h.run([escalating()]);
    expect(first).toMatchObject({ status: 'SENT', channels: ['in_app'] });
    expect(h.scheduler.list()).toEqual([expect.objectContaining({ kind: 'escalation', due: new Date('2026-11-24T12:30:00Z') })]);

    await h.fireWakesUntil(new Date('2026-11-24T14:00:00Z'));
    expect(sentChannels(h)).toEqual(['in_app', 'push', 'email']);
    const record = h.deliveries.get('r-1');
    expect(record?.channels).toEqual(['in_app', 'push', 'email']);
    expect(record?.escalation?.steps.map((step) => [step.channel, step.sentAt])).toEqual([
      ['in_app', '2026-11-24T12:00:00.000Z'],
      ['push', '2026-11-24T12:30:00.000Z'],
      ['email', '2026-11-24T13:00:00.000Z'],
    ]);
    expect(record?.escalation?.steps[1]?.reason).toBe('no engagement on in_app within 30 min → push');
    expect(record?.timeline.filter((event) => event.status === 'SENT').map((event) => event.detail)).toContain('no engagement on in_app within 30 min → push');
    expect(record?.escalation?.stopped).toMatchObject({ cause: 'no_channel_left' });
    expect(record?.wake).toBeUndefined();
    expect(record?.request).toBeUndefined();
    expect(h.scheduler.list()).toEqual([]);
  });

  it.each([
    ['the first step', 'in_app', 0, ['in_app']],
    ['the second step', 'push', 1, ['in_app', 'push']],
    ['the last step', 'email', 2, ['in_app', 'push', 'email']],
  ] as const)('stops at one engagement on %s', async (_step, channel, wakesBefore, expected) => {
    const h = inApp();
    await h.run([escalating()]);
    for (let i = 0; i < wakesBefore; i++) {
      const [wake] = h.scheduler.list();
      if (!wake) throw new Error('the escalation stopped early');
      await h.fireWakesUntil(wake.due);
    }
    h.advance(5 * MINUTE);
    engage(h, channel);
    await h.fireWakesUntil(new Date('2026-11-24T16:00:00Z'));
    expect(sentChannels(h)).toEqual(expected);
    expect(h.deliveries.get('r-1')?.escalation?.stopped).toMatchObject({ cause: 'engaged', reason: `engaged on ${channel}` });
    expect(h.scheduler.list()).toEqual([]);
  });

  it('counts an engagement on an earlier step too: reading the in-app message late stops the email', async () => {
    const h = inApp();
    await h.run([escalating()]);
    await h.fireWakesUntil(new Date('2026-11-24T12:30:00Z'));
    expect(sentChannels(h)).toEqual(['in_app', 'push']);
    h.advance(10 * MINUTE);
    engage(h, 'in_app');
    await h.fireWakesUntil(new Date('2026-11-24T16:00:00Z'));
    expect(sentChannels(h)).toEqual(['in_app', 'push']);
  });

  it('stops after a complaint: no other channel carries a message the customer complained about', async () => {
    const h = inApp();
    await h.run([escalating({ channels: ['email', 'push'], context: {} })]);
    expect(sentChannels(h)).toEqual(['email']);
    const record = h.deliveries.get('r-1');
    if (!record) throw new Error('no record');
    record.status = 'COMPLAINED';
    await h.fireWakesUntil(new Date('2026-11-24T16:00:00Z'));
    expect(sentChannels(h)).toEqual(['email']);
    expect(h.deliveries.get('r-1')?.escalation?.stopped).toMatchObject({ cause: 'complained' });
  });

  it('never escalates past expiresAt', async () => {
    const h = inApp();
    await h.run([escalating({ expiresAt: '2026-11-24T12:45:00Z' })]);
    await h.fireWakesUntil(new Date('2026-11-24T16:00:00Z'));
    expect(sentChannels(h)).toEqual(['in_app', 'push']);
    expect(h.deliveries.get('r-1')?.escalation?.stopped).toMatchObject({ cause: 'expired' });
  });

  it('chooses each step from the customer record at that time: a withdrawn consent skips the channel', async () => {
    const h = inApp();
    await h.run([escalating()]);
    h.customers.put(reachableCustomer('c-1', { consent: { email: { '*': 'opt_in' }, push: { '*': 'opt_out' }, in_app: { '*': 'opt_in' } } }));
    await h.fireWakesUntil(new Date('2026-11-24T12:30:00Z'));
    expect(sentChannels(h)).toEqual(['in_app', 'email']);
  });

  it('takes the template escalateAfter when the request names none, and 30 minutes when neither does', async () => {
    const patient = harness({ customers: [reachableCustomer('c-1')], templates: [testTemplate({ escalateAfter: 'PT1H' })] });
    await patient.run([escalating({ escalateAfter: undefined })]);
    expect(patient.scheduler.list()[0]?.due).toEqual(new Date('2026-11-24T13:00:00Z'));
    await patient.run([escalating({ requestId: 'r-2', escalateAfter: 'PT10M' })]);
    expect(patient.deliveries.get('r-2')?.escalation?.afterMs).toBe(10 * MINUTE);

    const h = inApp();
    await h.run([escalating({ escalateAfter: undefined })]);
    expect(h.scheduler.list()[0]?.due).toEqual(new Date('2026-11-24T12:30:00Z'));
    expect(h.deliveries.get('r-1')?.escalation?.afterMs).toBe(30 * MINUTE);
  });

  it('sends a step once when its wake arrives twice', async () => {
    const h = inApp();
    await h.run([escalating()]);
    const [wake] = h.scheduler.list();
    if (!wake) throw new Error('no wake was arranged');
    h.advance(30 * MINUTE);
    const message = h.scheduler.take(wake);
    await h.run([message, message]);
    await h.run([message]);
    expect(sentChannels(h)).toEqual(['in_app', 'push']);
  });

  it('does not send a step again after its record write was lost: the accepted attempt marks it sent', async () => {
    const h = inApp();
    await h.run([escalating()]);
    const record = h.deliveries.recordEscalation.bind(h.deliveries);
    let failures = 1;
    h.deliveries.recordEscalation = (write) => (failures-- > 0 ? Promise.reject(Object.assign(new Error('lost'), { code: 'TIMEOUT', retryable: true })) : record(write));
    const [wake] = h.scheduler.list();
    if (!wake) throw new Error('no wake was arranged');
    h.advance(30 * MINUTE);
    const message = h.scheduler.take(wake);
    const [first] = await h.run([message]);
    expect(first?.status).toBe('RETRY');
    h.advance(2 * MINUTE);
    await h.run([message]);
    expect(sentChannels(h)).toEqual(['in_app', 'push']);
    expect(h.deliveries.get('r-1')?.escalation?.steps.map((step) => step.channel)).toEqual(['in_app', 'push']);
  });
});
