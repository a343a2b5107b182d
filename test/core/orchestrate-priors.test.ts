import { describe, expect, it } from 'vitest';
import type { LearnedPriors } from '../../functions/core/learning/priors.js';
import type { PriorsSource } from '../../functions/core/ports.js';
import { harness, reachableCustomer, testRequest } from '../support/orchestrator-harness.js';

const LEARNED: LearnedPriors = {
  learnedAt: '2026-11-24T11:00:00.000Z',
  observations: 5_000,
  channels: { push: { rate: 0.6, weight: 2_000, moments: {}, preferred: {} }, email: { rate: 0.05, weight: 3_000, moments: {}, preferred: {} } },
};

/** Answers with `answer` and counts the reads. */
function source(answer: () => Promise<LearnedPriors | undefined>): PriorsSource & { reads: number } {
  const counted = {
    reads: 0,
    current() {
      counted.reads++;
      return answer();
    },
  };
  return counted;
}

const reasonsOf = (h: ReturnType<typeof harness>, requestId: string, channel: string) =>
  h.deliveries
    .get(requestId)
    ?.decision?.ranked.find((entry) => entry.channel === channel)
    ?.reasons.join(' | ') ?? '';

describe('orchestrateBatch with learned priors', () => {
  it('decides with the learned priors, read once for the whole batch', async () => {
    const h = harness({ customers: [reachableCustomer('c-1'), reachableCustomer('c-2')] });
    const priors = source(() => Promise.resolve(LEARNED));
    h.deps.priors = priors;
    const outcomes = await h.run([testRequest(), testRequest({ requestId: 'r-2', customerId: 'c-2' }), testRequest({ requestId: 'r-3' })]);
    expect(outcomes.map((o) => o.status)).toEqual(['SENT', 'SENT', 'SENT']);
    expect(priors.reads).toBe(1);
    expect(reasonsOf(h, 'r-1', 'push')).toContain('learned prior 60%');
    expect(reasonsOf(h, 'r-1', 'email')).toContain('learned prior 5%');
    // A channel the priors say nothing of keeps its configured prior.
    expect(reasonsOf(h, 'r-1', 'sms')).toContain('set prior');
  });

  it('sends with the configured priors when the learned ones cannot be read', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    h.deps.priors = source(() => Promise.reject(new Error('throttled')));
    const [outcome] = await h.run([testRequest()]);
    expect(outcome?.status).toBe('SENT');
    expect(reasonsOf(h, 'r-1', 'push')).toContain('set prior');
    expect(reasonsOf(h, 'r-1', 'push')).not.toContain('learned');
  });

  it('reads nothing for a batch with nothing to decide', async () => {
    const h = harness({ customers: [] });
    const priors = source(() => Promise.resolve(LEARNED));
    h.deps.priors = priors;
    const [outcome] = await h.run([{ requestId: 'bad-1' }]);
    expect(outcome?.status).toBe('REJECTED');
    expect(priors.reads).toBe(0);
  });

  it('decides an escalation’s later steps with the learned priors too', async () => {
    const h = harness({ customers: [reachableCustomer('c-1')] });
    // None at the first step, which goes in-app; then email far ahead of push, which the
    // configured priors would send second (orchestrate-escalation.test.ts).
    const emailFirst: LearnedPriors = {
      ...LEARNED,
      channels: { push: { rate: 0.01, weight: 2_000, moments: {}, preferred: {} }, email: { rate: 0.8, weight: 3_000, moments: {}, preferred: {} } },
    };
    const priors = source(() => Promise.resolve(priors.reads === 1 ? undefined : emailFirst));
    h.deps.priors = priors;
    await h.run([testRequest({ strategy: 'escalate', channels: ['in_app', 'push', 'email'], escalateAfter: 'PT30M', context: { sessionActive: true } })]);
    const wakes = await h.fireWakesUntil(new Date(h.now().getTime() + 2 * 3_600_000));
    expect(h.deliveries.get('r-1')?.escalation?.steps.map((step) => step.channel)).toEqual(['in_app', 'email', 'push']);
    // One read for the first step's batch, and one for each wake's.
    expect(priors.reads).toBe(1 + wakes.length);
  });
});
