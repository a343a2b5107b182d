import { describe, expect, it } from 'vitest';
import type { MemoryFrequencyCounter } from '../../functions/adapters/memory/frequency-counter.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { harness, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

// The default caps: marketing SMS at most once a day and twice an ISO week; transactional never capped.
const DAY_MS = 86_400_000;
const sms = (requestId: string, over: Record<string, unknown> = {}) => testRequest({ requestId, channels: ['sms'], strategy: 'best', ...over });
const orderNote = testTemplate({ id: 'order-note', category: 'transactional', topic: 'order-updates' });

describe('frequency caps, counted by the frequency counter at send time', () => {
  it('hold marketing SMS to one a day, recorded as FREQUENCY_CAP without a send', async () => {
    expect(defaultDecisionConfig.caps.sms.marketing).toEqual({ perDay: 1, perWeek: 2 });
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [first] = await h.run([sms('r-1')]);
    const [second] = await h.run([sms('r-2')]);
    expect(first?.status).toBe('SENT');
    expect(second).toMatchObject({ status: 'SUPPRESSED', reason: 'FREQUENCY_CAP' });
    expect(h.deliveries.get('r-2')?.decision?.excluded).toContainEqual({ channel: 'sms', reason: 'FREQUENCY_CAP', detail: 'cap reached at send time' });
    expect(h.senders.sms.sent).toHaveLength(1);
  });

  it('hold marketing SMS to two an ISO week, one day after another', async () => {
    // Tuesday, Wednesday and Thursday of week 48 in 2026.
    const h = harness({ customers: [reachableCustomer('c-1')], now: '2026-11-24T12:00:00Z' });
    const statuses: (string | undefined)[] = [];
    for (const requestId of ['r-tue', 'r-wed', 'r-thu']) {
      const [outcome] = await h.run([sms(requestId)]);
      statuses.push(outcome?.status);
      h.advance(DAY_MS);
    }
    expect(statuses).toEqual(['SENT', 'SENT', 'SUPPRESSED']);
    expect(h.deliveries.get('r-thu')?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'sms', reason: 'FREQUENCY_CAP' }));
  });

  it('never hold back a transactional SMS', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')], templates: [orderNote] });
    const outcomes = await h.run(['r-1', 'r-2', 'r-3'].map((requestId) => sms(requestId, { template: 'order-note' })));
    expect(outcomes.map((o) => o.status)).toEqual(['SENT', 'SENT', 'SENT']);
  });

  it('are not consumed by a message deferred for quiet hours, which is the reason recorded', async () => {
    // 23:30 in Berlin: SMS is a quiet-hours channel, so the marketing message waits for the morning.
    const h = harness({ customers: [reachableCustomer('c-1')], now: '2026-11-24T22:30:00Z' });
    const [outcome] = await h.run([sms('r-night')]);
    expect(outcome).toMatchObject({ status: 'DEFERRED', reason: 'QUIET_HOURS' });
    const counter = h.deps.counter as MemoryFrequencyCounter;
    expect(counter.countOn({ customerId: 'c-1', channel: 'sms', category: 'marketing', now: new Date('2026-11-24T22:30:00Z') })).toBe(0);
  });
});
