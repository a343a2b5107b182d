import { describe, expect, it } from 'vitest';
import { JitteredWriteRetry } from '../../functions/adapters/jittered-retry.js';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import type { Channel } from '../../functions/core/model.js';
import { orchestrateBatch } from '../../functions/core/orchestrate.js';
import { MAX_PROBLEMS } from '../../functions/core/problem-bounds.js';
import { MAX_RECORD_KEY_BYTES } from '../../functions/core/records.js';
import { harness, opensOfTen, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const request = testRequest;
const throttled = () => new RetryableError('deliveries UpdateItem failed: ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException');

/** Makes `times` calls of a method fail with `error`, then lets calls through again. */
function failTimes<T extends object, K extends keyof T>(target: T, method: K, times: number, error: () => unknown): { calls: number } {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  const counter = { calls: 0 };
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    counter.calls++;
    if (counter.calls <= times) throw error();
    return original(...args);
  };
  return counter;
}

const everyChannelCapped = (perDay: number): DecisionConfig => ({
  ...defaultDecisionConfig,
  caps: { push: { marketing: { perDay } }, sms: { marketing: { perDay } }, email: { marketing: { perDay } }, in_app: { marketing: { perDay } } },
});

const sendsTo = (h: ReturnType<typeof harness>, channel: Channel) => h.senders[channel].sent.length;

describe('a provider accepted: never sent again', () => {
  it('when the final record write keeps failing, the redelivery finishes the record without sending', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    failTimes(h.deps.deliveries, 'finish', 1, throttled);
    const [first] = await h.run([request()]);
    expect(first?.status).toBe('RETRY');
    expect(h.totalSends()).toBe(1);
    expect(h.deliveries.get('r-1')?.attempts).toEqual([expect.objectContaining({ outcome: 'SENT' })]);

    const [second] = await h.run([request()]);
    expect(second?.status).toBe('SENT');
    expect(h.totalSends()).toBe(1);
    const record = h.deliveries.get('r-1');
    expect(record?.status).toBe('SENT');
    expect(record?.attempts.filter((a) => a.outcome === 'SENT')).toHaveLength(1);
    expect(record?.lastRetry?.code).toBe('ProvisionedThroughputExceededException');
  });

  it('retries the finishing write within the invocation, so a short burst of throttling is absorbed', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    h.deps.writeRetry = new JitteredWriteRetry({ sleep: async () => undefined });
    const finish = failTimes(h.deps.deliveries, 'finish', 3, throttled);
    const [outcome] = await h.run([request()]);
    expect(outcome?.status).toBe('SENT');
    expect(finish.calls).toBe(4);
    expect(h.totalSends()).toBe(1);
  });

  it('under `all`, a counter throttle after the first channel was accepted is an attempt, not a redelivery', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')], decisionConfig: everyChannelCapped(5) });
    let consumed = 0;
    const tryConsume = h.deps.counter.tryConsume.bind(h.deps.counter);
    h.deps.counter.tryConsume = async (input) => {
      if (++consumed === 2) throw throttled();
      return tryConsume(input);
    };
    const [first] = await h.run([request({ strategy: 'all', channels: ['email', 'push'] })]);
    expect(first?.status).toBe('SENT');
    const record = h.deliveries.get('r-1');
    expect(record?.attempts.map((a) => a.outcome).sort()).toEqual(['FAILED_RETRYABLE', 'SENT']);
    await h.run([request({ strategy: 'all', channels: ['email', 'push'] })]);
    expect(h.totalSends()).toBe(1);
  });

  it('when neither the accepted attempt nor the record can be written, keeps the claim and says so loudly', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    failTimes(h.deps.deliveries, 'recordAccepted', 1, throttled);
    failTimes(h.deps.deliveries, 'finish', 1, throttled);
    const [first] = await h.run([request()]);
    expect(first?.status).toBe('RETRY');
    expect(h.telemetry.events).toContainEqual(expect.objectContaining({ kind: 'unrecorded_send' }));
    // The claim was not given back: a redelivery within the lease does not send again.
    const [second] = await h.run([request()]);
    expect(second).toMatchObject({ status: 'RETRY', reason: 'IN_PROGRESS_ELSEWHERE' });
    expect(h.totalSends()).toBe(1);
  });

  it('a redelivery after `expiresAt` still finishes as SENT what was accepted before', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    failTimes(h.deps.deliveries, 'finish', 1, throttled);
    await h.run([request({ expiresAt: '2026-11-24T12:00:30Z' })]);
    h.advance(60_000);
    const [outcome] = await h.run([request({ expiresAt: '2026-11-24T12:00:30Z' })]);
    expect(outcome?.status).toBe('SENT');
    expect(h.deliveries.get('r-1')?.status).toBe('SENT');
  });
});

describe('frequency caps count only what a provider accepted', () => {
  it('a provider throttle gives the slot back, so the redelivered request is sent, not capped', async () => {
    const h = harness({
      customers: [reachableCustomer('c-1')],
      decisionConfig: everyChannelCapped(1),
      scripts: { email: [{ outcome: 'FAILED_RETRYABLE', code: 'EMAIL_THROTTLED', message: 'slow down' }] },
    });
    const [first] = await h.run([request({ channels: ['email'] })]);
    expect(first?.status).toBe('RETRY');
    const [second] = await h.run([request({ channels: ['email'] })]);
    expect(second?.status).toBe('SENT');
    expect(sendsTo(h, 'email')).toBe(2);
  });

  it('a permanent failure and a render failure give their slots back; the cap still holds for real sends', async () => {
    const template = testTemplate({}, { sms: { default: '{{ data.missing }}' } });
    const h = harness({
      customers: [reachableCustomer('c-1'), reachableCustomer('c-2')],
      templates: [template],
      decisionConfig: everyChannelCapped(1),
      scripts: { email: [{ outcome: 'FAILED_PERMANENT', code: 'EMAIL_REJECTED', message: 'no' }] },
    });
    const [failed] = await h.run([request({ channels: ['email', 'sms', 'push'] })]);
    expect(failed?.status).toBe('SENT');
    expect(failed?.channels).toEqual(['push']);
    const counter = h.deps.counter as unknown as { countOn(slot: object): number };
    for (const channel of ['email', 'sms'] as const) {
      expect(counter.countOn({ customerId: 'c-1', channel, category: 'marketing', now: NOW })).toBe(0);
    }
    expect(counter.countOn({ customerId: 'c-1', channel: 'push', category: 'marketing', now: NOW })).toBe(1);
    const [capped] = await h.run([request({ requestId: 'r-2', channels: ['push'] })]);
    expect(capped).toMatchObject({ status: 'SUPPRESSED', reason: 'FREQUENCY_CAP' });
  });

  it('concurrent requests for one customer never exceed the cap, whatever fails', async () => {
    const scripts = {
      email: Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? { outcome: 'FAILED_PERMANENT' as const, code: 'EMAIL_REJECTED', message: 'no' } : { outcome: 'SENT' as const })),
    };
    const h = harness({ customers: [reachableCustomer('c-1')], decisionConfig: everyChannelCapped(3), scripts });
    await h.run(Array.from({ length: 10 }, (_, i) => request({ requestId: `r-${i}`, channels: ['email'], strategy: 'best' })));
    const accepted = h.deliveries.all().filter((r) => r.status === 'SENT');
    expect(accepted).toHaveLength(3);
  });
});

describe('one message never takes its batch down', () => {
  const valid = (i: number) => request({ requestId: `ok-${i}`, customerId: `c-${i}` });
  const customers = Array.from({ length: 9 }, (_, i) => reachableCustomer(`c-${i}`));

  /** Written as text: serialising such a value would itself overflow the stack. */
  function withDeepData(depth: number): string {
    const data = `${'{"nested":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
    return JSON.stringify(request({ requestId: 'poison' })).replace('{"item":"boots"}', data);
  }

  it.each([
    ['data nested 5,000 deep', withDeepData(5_000)],
    ['a 3,000-character customerId', { ...request({ requestId: 'poison' }), customerId: 'x'.repeat(3_000), strategy: 'sometimes' }],
    ['a 200 KB unknown field name', { ...request({ requestId: 'poison' }), ['f'.repeat(200_000)]: 1 }],
  ])('%s: the poison gets a bounded REJECTED record and its nine batch-mates are sent', async (_name, poison) => {
    const h = harness({ customers });
    const outcomes = await h.run([...Array.from({ length: 9 }, (_, i) => valid(i)), poison]);
    expect(outcomes.slice(0, 9).map((o) => o.status)).toEqual(Array(9).fill('SENT'));
    expect(outcomes[9]?.status).toBe('REJECTED');
    const record = h.deliveries.get('poison');
    expect(record?.status).toBe('REJECTED');
    expect(JSON.stringify(record).length).toBeLessThan(20_000);
    expect(record?.problems?.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    expect(new TextEncoder().encode(record?.customerId).length).toBeLessThanOrEqual(MAX_RECORD_KEY_BYTES);
  });

  it('a REJECTED record that cannot be written sends back that message alone', async () => {
    const h = harness({ customers });
    failTimes(h.deps.deliveries, 'reject', 1, () => new PermanentError('item too large', 'ValidationException'));
    const outcomes = await h.run([...Array.from({ length: 9 }, (_, i) => valid(i)), { requestId: 'bad', strategy: 'sometimes' }]);
    expect(outcomes.slice(0, 9).map((o) => o.status)).toEqual(Array(9).fill('SENT'));
    expect(outcomes[9]).toMatchObject({ status: 'RETRY', reason: 'ValidationException' });
  });

  it('an unexpected error (even a thrown null) while sending one request sends back that request alone, saying why', async () => {
    const h = harness({ customers });
    const send = h.senders.email.send.bind(h.senders.email);
    h.senders.email.send = async (message) => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what this test is about.
      if (message.customerId === 'c-4') throw null;
      return send(message);
    };
    const outcomes = await h.run(Array.from({ length: 9 }, (_, i) => valid(i)).map((r) => ({ ...r, channels: ['email'] })));
    expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(8);
    expect(outcomes[4]).toMatchObject({ status: 'RETRY', reason: 'INTERNAL_ERROR' });
    expect(h.deliveries.get('ok-4')).toMatchObject({ status: 'ACCEPTED', lastRetry: { code: 'INTERNAL_ERROR' }, retries: 1 });
  });

  it('a customer lookup that fails permanently sends the batch back with the reason on every record', async () => {
    const h = harness({ customers });
    failTimes(h.deps.customers, 'getMany', 1, () => new PermanentError('denied', 'AccessDeniedException'));
    const outcomes = await h.run([valid(0), valid(1)]);
    expect(outcomes.map((o) => o.reason)).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    expect(h.deliveries.get('ok-0')?.lastRetry?.code).toBe('AccessDeniedException');
  });

  it('a malformed customer record is a FAILED outcome that names the broken fields', async () => {
    const h = harness({ customers });
    h.deps.customers.getMany = async () => new Map([['c-0', { customerId: 'c-0', malformed: [{ path: 'push', message: 'expected array, received string' }] }]]);
    const [outcome] = await h.run([valid(0)]);
    expect(outcome).toMatchObject({ status: 'FAILED', reason: 'MALFORMED_CUSTOMER' });
    expect(h.deliveries.get('ok-0')?.problems).toEqual([{ path: 'customer.push', message: 'expected array, received string' }]);
    expect(h.totalSends()).toBe(0);
  });
});

describe('the invocation time budget', () => {
  it('sends what fits and gives the rest back to the queue, each saying why, before the Lambda would time out', async () => {
    const customers = Array.from({ length: 6 }, (_, i) => reachableCustomer(`c-${i}`));
    const h = harness({ customers });
    h.deps.concurrency = 1;
    h.deps.reserveMs = 5_000;
    let remaining = 30_000;
    const budget = { remainingMs: () => remaining };
    const send = h.senders.email.send.bind(h.senders.email);
    // Each send costs 10 s of the invocation.
    h.senders.email.send = async (message) => {
      remaining -= 10_000;
      return send(message);
    };
    const outcomes = await h.run(
      customers.map((c, i) => request({ requestId: `r-${i}`, customerId: c.customerId, channels: ['email'] })),
      budget,
    );
    expect(outcomes.map((o) => o.status)).toEqual(['SENT', 'SENT', 'SENT', 'RETRY', 'RETRY', 'RETRY']);
    expect(outcomes[3]?.reason).toBe('TIME_BUDGET');
    expect(h.deliveries.get('r-3')?.lastRetry?.code).toBe('TIME_BUDGET');
    expect(h.totalSends()).toBe(3);
  });
});

describe('the last delivery the queue will make', () => {
  const throttled = { outcome: 'FAILED_RETRYABLE' as const, code: 'PUSH_THROTTLED', message: 'slow down' };

  it('fails over past a channel that keeps throttling instead of leaving the request to the DLQ', async () => {
    const h = harness({ customers: [reachableCustomer('c-1', opensOfTen({ push: 8 }))], scripts: { push: [throttled, throttled] } });
    h.deps.maxReceives = 5;
    const body = JSON.stringify(request({ channels: ['push', 'email'] }));
    const [early] = await orchestrateBatch([{ messageId: 'm-1', body, receiveCount: 4 }], h.deps);
    expect(early).toMatchObject({ status: 'RETRY', reason: 'PUSH_THROTTLED' });
    const [last] = await orchestrateBatch([{ messageId: 'm-1', body, receiveCount: 5 }], h.deps);
    expect(last).toMatchObject({ status: 'SENT', channels: ['email'] });
  });

  it('with no channel left, ends FAILED with the provider code rather than unrecorded', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')], scripts: { push: [throttled] } });
    h.deps.maxReceives = 5;
    const body = JSON.stringify(request({ channels: ['push'] }));
    const [outcome] = await orchestrateBatch([{ messageId: 'm-1', body, receiveCount: 5 }], h.deps);
    expect(outcome).toMatchObject({ status: 'FAILED', reason: 'PUSH_THROTTLED' });
    expect(h.deliveries.get('r-1')?.status).toBe('FAILED');
  });
});
