import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../functions/core/errors.js';
import { harness, opensOfTen, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

const request = testRequest;

describe('orchestrateBatch', () => {
  it('sends one message on the best channel and records the decision and the attempt', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([request({ strategy: 'best' })]);
    expect(outcome).toMatchObject({ status: 'SENT', requestId: 'r-1' });
    expect(h.totalSends()).toBe(1);
    const record = h.deliveries.get('r-1');
    expect(record?.status).toBe('SENT');
    expect(record?.channel).toBe(outcome?.channels[0]);
    expect(record?.attempts).toEqual([expect.objectContaining({ channel: record?.channel, outcome: 'SENT' })]);
    expect(record?.decision?.ranked[0]?.channel).toBe(record?.channel);
    expect(record?.timeline.map((e) => e.status)).toEqual(['ACCEPTED', 'SENT']);
  });

  it('stores only the score components that contributed, which still add up to the score', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    await h.run([request()]);
    for (const entry of h.deliveries.get('r-1')?.decision?.ranked ?? []) {
      expect(Object.values(entry.components)).not.toContain(0);
      expect(Object.values(entry.components).reduce((sum, value) => sum + value, 0)).toBeCloseTo(entry.score, 3);
    }
  });

  it('rejects a malformed request with every problem listed, and never sends', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([{ requestId: 'bad-1', customerId: 'c-1', strategy: 'sometimes', chanels: ['sms'] }]);
    expect(outcome?.status).toBe('REJECTED');
    const problems = h.deliveries.get('bad-1')?.problems?.map((p) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['template', 'strategy', '']));
    expect(h.totalSends()).toBe(0);
  });

  it('records a message too broken to carry a requestId under its queue message id', async () => {
    const h = harness({ customers: [] });
    const [outcome] = await h.run(['{not json']);
    expect(outcome).toMatchObject({ status: 'REJECTED', requestId: 'sqs:m-1' });
    expect(h.deliveries.get('sqs:m-1')?.problems?.[0]?.message).toMatch(/not valid JSON/);
  });

  it('rejects an unknown template and an unknown customer with a clear problem', async () => {
    const h = harness({ customers: [] });
    const outcomes = await h.run([request({ requestId: 'r-t', template: 'nope' }), request({ requestId: 'r-c', customerId: 'ghost' })]);
    expect(outcomes.map((o) => o.status)).toEqual(['REJECTED', 'REJECTED']);
    expect(h.deliveries.get('r-t')?.problems).toEqual([{ path: 'template', message: 'unknown template "nope"' }]);
    expect(h.deliveries.get('r-c')?.problems?.[0]?.message).toContain('no customer record');
  });

  it('delivers the same request at most once', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    await h.run([request()]);
    const [again] = await h.run([request()]);
    expect(again?.status).toBe('DUPLICATE');
    expect(h.totalSends()).toBe(1);
  });

  it('records an expired moment as EXPIRED without sending', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [outcome] = await h.run([request({ expiresAt: '2026-11-24T11:00:00Z' })]);
    expect(outcome?.status).toBe('EXPIRED');
    expect(h.deliveries.get('r-1')?.status).toBe('EXPIRED');
    expect(h.totalSends()).toBe(0);
  });

  it('reads every customer of a batch in one lookup of distinct ids', async () => {
    const h = harness({ customers: ['a', 'b', 'c'].map((id) => reachableCustomer(id)) });
    const ids = ['a', 'b', 'a', 'c', 'b'];
    await h.run(ids.map((customerId, i) => request({ requestId: `r-${i}`, customerId })));
    expect(h.customers.lookups).toHaveLength(1);
    expect([...(h.customers.lookups[0] ?? [])].sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails over to the next ranked channel on a permanent failure and records both attempts', async () => {
    const failure = { outcome: 'FAILED_PERMANENT' as const, code: 'PROVIDER_REJECTED', message: 'rejected' };
    const h = harness({ customers: [reachableCustomer('c-1')], scripts: { push: [failure], sms: [failure], email: [failure], in_app: [failure] } });
    // Every channel fails once; with four channels the fifth try does not exist, so the request FAILS with four attempts.
    const [outcome] = await h.run([request()]);
    expect(outcome?.status).toBe('FAILED');
    const attempts = h.deliveries.get('r-1')?.attempts ?? [];
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((a) => a.channel)).size).toBe(4);
  });

  it('moves on after one permanent failure and stops at the first success', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const [first] = await h.run([request({ requestId: 'probe', strategy: 'best' })]);
    const best = first?.channels[0];
    if (!best) throw new Error('probe was not sent');
    const h2 = harness({ customers: [reachableCustomer('c-1')], scripts: { [best]: [{ outcome: 'FAILED_PERMANENT', code: 'DEAD', message: 'dead' }] } });
    const [outcome] = await h2.run([request()]);
    const attempts = h2.deliveries.get('r-1')?.attempts ?? [];
    expect(outcome?.status).toBe('SENT');
    expect(attempts.map((a) => a.outcome)).toEqual(['FAILED_PERMANENT', 'SENT']);
    expect(attempts[0]?.channel).toBe(best);
    expect(outcome?.channels).toEqual([attempts[1]?.channel]);
  });

  it('with strategy best makes exactly one try', async () => {
    const h = harness({
      customers: [reachableCustomer('c-1')],
      scripts: {
        push: [{ outcome: 'FAILED_PERMANENT', code: 'X', message: 'x' }],
        sms: [{ outcome: 'FAILED_PERMANENT', code: 'X', message: 'x' }],
        email: [{ outcome: 'FAILED_PERMANENT', code: 'X', message: 'x' }],
        in_app: [{ outcome: 'FAILED_PERMANENT', code: 'X', message: 'x' }],
      },
    });
    const [outcome] = await h.run([request({ strategy: 'best' })]);
    expect(outcome?.status).toBe('FAILED');
    expect(h.deliveries.get('r-1')?.attempts).toHaveLength(1);
  });

  it('with strategy all sends on every eligible channel and lists them', async () => {
    const h = harness({ customers: [reachableCustomer('c-1', { consent: { email: { '*': 'opt_in' }, push: { '*': 'opt_in' } } })] });
    const [outcome] = await h.run([request({ strategy: 'all' })]);
    expect(outcome?.status).toBe('SENT');
    expect([...(outcome?.channels ?? [])].sort()).toEqual(['email', 'push']);
    expect(h.deliveries.get('r-1')?.channels?.sort()).toEqual(['email', 'push']);
  });

  it('sends a retryable failure back to the queue, releases the claim, and sends once on redelivery', async () => {
    const throttled = { outcome: 'FAILED_RETRYABLE' as const, code: 'THROTTLED', message: 'slow down' };
    const h = harness({ customers: [reachableCustomer('c-1')], scripts: { push: [throttled], sms: [throttled], email: [throttled], in_app: [throttled] } });
    const [first] = await h.run([request({ strategy: 'best' })]);
    expect(first).toMatchObject({ status: 'RETRY', reason: 'THROTTLED' });
    expect(h.deliveries.get('r-1')).toMatchObject({ status: 'ACCEPTED', attempts: [], lastRetry: { code: 'THROTTLED' }, retries: 1 });
    const [second] = await h.run([request({ strategy: 'best' })]);
    expect(second?.status).toBe('SENT');
    expect(h.deliveries.get('r-1')?.attempts).toHaveLength(1);
  });

  it('with strategy all retries the request when nothing went out and a channel was only throttled', async () => {
    const throttled = { outcome: 'FAILED_RETRYABLE' as const, code: 'THROTTLED', message: 'slow down' };
    const dead = { outcome: 'FAILED_PERMANENT' as const, code: 'DEAD', message: 'dead' };
    const h = harness({ customers: [reachableCustomer('c-1')], scripts: { push: [dead], sms: [throttled], email: [dead], in_app: [dead] } });
    const [outcome] = await h.run([request({ strategy: 'all' })]);
    expect(outcome).toMatchObject({ status: 'RETRY', reason: 'THROTTLED' });
  });

  it('suppresses when no channel is eligible and says why for each', async () => {
    const optedOut = reachableCustomer('c-1', { consent: { email: { '*': 'opt_out' }, sms: { '*': 'opt_out' }, push: { '*': 'opt_out' }, in_app: { '*': 'opt_out' } } });
    const h = harness({ customers: [optedOut] });
    const [outcome] = await h.run([request()]);
    expect(outcome).toMatchObject({ status: 'SUPPRESSED', reason: 'OPTED_OUT' });
    const excluded = h.deliveries.get('r-1')?.decision?.excluded ?? [];
    expect(excluded.map((e) => e.reason)).toEqual(['OPTED_OUT', 'OPTED_OUT', 'OPTED_OUT', 'OPTED_OUT']);
    expect(h.totalSends()).toBe(0);
  });

  it('moves a capped channel to the exclusions at send time and uses the next one', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const caps = Object.fromEntries(['push', 'sms', 'email', 'in_app'].map((c) => [c, { marketing: { perDay: 1 } }]));
    h.deps.decisionConfig = { ...h.deps.decisionConfig, caps: caps as typeof h.deps.decisionConfig.caps };
    const [first] = await h.run([request({ requestId: 'r-a', strategy: 'best' })]);
    const [second] = await h.run([request({ requestId: 'r-b', strategy: 'best' })]);
    expect(second?.status).toBe('SENT');
    expect(second?.channels[0]).not.toBe(first?.channels[0]);
    expect(h.deliveries.get('r-b')?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: first?.channels[0], reason: 'FREQUENCY_CAP' }));
  });

  it('records RENDER_FAILED when the template cannot be rendered for this request', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')], templates: [testTemplate({ channels: ['email'] })] });
    const [outcome] = await h.run([request({ data: {} })]);
    expect(outcome?.status).toBe('RENDER_FAILED');
    expect(h.deliveries.get('r-1')?.problems?.[0]?.message).toMatch(/item/);
  });

  it('marks a dead push token on the customer so it is not used again', async () => {
    const dead = {
      outcome: 'FAILED_PERMANENT' as const,
      code: 'PUSH_NO_LIVE_TOKEN',
      message: 'gone',
      addressChanges: [{ channel: 'push' as const, token: 'token-c-1', kind: 'token_dead' as const }],
    };
    const h = harness({ customers: [reachableCustomer('c-1', opensOfTen({ push: 8 }))], templates: [testTemplate({ channels: ['push', 'email'] })], scripts: { push: [dead] } });
    const [outcome] = await h.run([request({ channels: ['push', 'email'] })]);
    expect(outcome?.channels).toEqual(['email']);
    expect(h.customers.get('c-1')?.push?.[0]).toMatchObject({ status: 'suppressed', reason: 'invalid' });
    const [next] = await h.run([request({ requestId: 'r-2', channels: ['push', 'email'] })]);
    expect(next?.channels).toEqual(['email']);
    expect(h.deliveries.get('r-2')?.decision?.excluded).toContainEqual(expect.objectContaining({ channel: 'push', reason: 'ADDRESS_SUPPRESSED' }));
  });

  it('keeps a finished send when noting a dead token fails, so the message is never sent twice', async () => {
    const dead = {
      outcome: 'FAILED_PERMANENT' as const,
      code: 'PUSH_NO_LIVE_TOKEN',
      message: 'gone',
      addressChanges: [{ channel: 'push' as const, token: 'token-c-1', kind: 'token_dead' as const }],
    };
    const h = harness({ customers: [reachableCustomer('c-1', opensOfTen({ push: 8 }))], templates: [testTemplate({ channels: ['push', 'email'] })], scripts: { push: [dead] } });
    h.customers.applyAddressChanges = async () => {
      throw new RetryableError('throttled', 'ProvisionedThroughputExceededException');
    };
    const [outcome] = await h.run([request({ channels: ['push', 'email'] })]);
    expect(outcome?.status).toBe('SENT');
    expect(h.deliveries.get('r-1')?.status).toBe('SENT');
    expect(h.telemetry.events).toContainEqual({ kind: 'follow_up_failed', step: 'address_changes', code: 'ProvisionedThroughputExceededException' });
  });

  it('counts push and in-app sends as delivered and remembers which request an SMS id belongs to, once per batch', async () => {
    const h = harness({ customers: [reachableCustomer('c-1'), reachableCustomer('c-2', { engagement: { push: { delivered: 3 } } })] });
    const deliveredCalls: string[][] = [];
    const rememberedCalls: string[][] = [];
    h.deps.engagement = { recordDelivered: async (counts) => void deliveredCalls.push(counts.map((c) => `${c.customerId}/${c.channel}`).sort()) };
    h.deps.providerMessages = { rememberAll: async (messages) => void rememberedCalls.push(messages.map((m) => `${m.channel}/${m.providerMessageId}/${m.requestId}`)) };
    await h.run([request({ requestId: 'r-all', strategy: 'all' }), request({ requestId: 'r-2', customerId: 'c-2', channels: ['push'] })]);
    expect(deliveredCalls).toEqual([['c-1/in_app', 'c-1/push', 'c-2/push']]);
    expect(rememberedCalls).toEqual([['sms/sms-1/r-all']]);
  });

  it('still counts what was sent when a later message of the batch fails unexpectedly, and sends back only that one', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    const counted: string[] = [];
    h.deps.engagement = { recordDelivered: async (counts) => void counted.push(...counts.map((c) => c.channel)) };
    h.deps.concurrency = 1;
    const sendPush = h.senders.push.send.bind(h.senders.push);
    let calls = 0;
    h.senders.push.send = async (...args) => {
      if (++calls === 2) throw new Error('bug in a sender');
      return sendPush(...args);
    };
    const outcomes = await h.run([request({ requestId: 'r-a', channels: ['push'] }), request({ requestId: 'r-b', channels: ['push'] })]);
    expect(outcomes.map((o) => o.status)).toEqual(['SENT', 'RETRY']);
    expect(counted).toEqual(['push']);
  });

  it('records a failed bookkeeping write as a follow-up failure, never as a failed message', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    h.deps.engagement = {
      recordDelivered: async () => {
        throw new RetryableError('throttled', 'ThrottlingException');
      },
    };
    const [outcome] = await h.run([request({ channels: ['push'] })]);
    expect(outcome?.status).toBe('SENT');
    expect(h.telemetry.events).toContainEqual({ kind: 'follow_up_failed', step: 'engagement', code: 'ThrottlingException' });
  });

  it('sends only the affected message back when the store throttles while recording a rejection', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    h.deliveries.reject = async () => {
      throw new RetryableError('throttled', 'ProvisionedThroughputExceededException');
    };
    const outcomes = await h.run(['{broken', request()]);
    expect(outcomes.map((o) => o.status)).toEqual(['RETRY', 'SENT']);
    expect(outcomes[0]).toMatchObject({ requestId: 'sqs:m-1', reason: 'ProvisionedThroughputExceededException' });
  });

  it('flushes telemetry once per batch', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    let flushes = 0;
    h.deps.telemetry.flush = () => void flushes++;
    await h.run([request({ requestId: 'r-a' }), request({ requestId: 'r-b' }), '{broken']);
    expect(flushes).toBe(1);
  });

  it('reports end-to-end latency from createdAt for sent messages', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    await h.run([request()]);
    expect(h.telemetry.events).toContainEqual(expect.objectContaining({ kind: 'outcome', status: 'SENT', latencyMs: 1000 }));
  });
});
