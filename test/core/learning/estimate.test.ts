import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../../functions/core/config.js';
import { estimateEngagement } from '../../../functions/core/learning/estimate.js';
import type { LearnedPriors } from '../../../functions/core/learning/priors.js';
import type { Customer } from '../../../functions/core/model.js';

const now = new Date('2026-03-20T12:00:00Z');
// Counters without a snapshot count in full: 4 of 10 push messages engaged.
const customer: Customer = { customerId: 'c-1', timeZone: 'Europe/Berlin', preferences: { preferredChannels: ['push'] }, engagement: { push: { delivered: 10, opened: 4 } } };

function priorsWith(trend: number, since?: string): LearnedPriors {
  return {
    learnedAt: now.toISOString(),
    observations: 400,
    channels: { push: { rate: 0.2, weight: 300, moments: {}, preferred: { push: { rate: 0.05, weight: 30, trend, ...(since ? { since } : {}) } } } },
  };
}

describe('a customer whose peers engage less lately', () => {
  it('counts the customer’s engagements as much less as the peers’ rate fell, and says so', () => {
    const estimate = estimateEngagement({ customer, channel: 'push', moment: undefined, now, priors: priorsWith(0.25, '2026-03-20T03:00:00.000Z') }, defaultDecisionConfig);
    // 4 engaged × 0.25 = 1, smoothed toward 5% worth 10 messages: (1 + 0.5) / (10 + 10) = 7.5%.
    expect(estimate.expected).toBeCloseTo(0.075, 10);
    expect(estimate.evidence).toEqual({ delivered: 10, engaged: 1 });
    expect(estimate.why).toBe('4 of 10 engaged ×0.25 as customers like this engage less lately, learned prior 5% for "push first" since a change 9 h ago: 8%');
  });

  it('leaves the history as it is when the peers’ rate rose', () => {
    const estimate = estimateEngagement({ customer, channel: 'push', moment: undefined, now, priors: priorsWith(2) }, defaultDecisionConfig);
    // (4 + 0.5) / (10 + 10) = 22.5%.
    expect(estimate.expected).toBeCloseTo(0.225, 10);
    expect(estimate.why).toBe('4 of 10 engaged, learned prior 5% for "push first": 23%');
  });
});
