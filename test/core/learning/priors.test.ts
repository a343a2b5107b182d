import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../../functions/core/config.js';
import { channelPrior, learnedPriorsSchema, learnPriors, type Observation } from '../../../functions/core/learning/priors.js';

const now = new Date('2026-03-20T00:00:00Z');
const config = {
  priors: { ...defaultDecisionConfig.priors, push: { rate: 0.1, strength: 10 } },
  learning: { ...defaultDecisionConfig.learning, priorsHalfLifeDays: 7, momentStrength: 10 },
};
const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
const many = (count: number, observation: Observation) => Array.from({ length: count }, () => observation);

describe('learned priors', () => {
  it('smooths each channel toward its configured prior, by hand', () => {
    // 10 fresh push messages, 5 engaged: (5 + 0.1·10) / (10 + 10) = 0.3.
    const priors = learnPriors([...many(5, { channel: 'push', engaged: true, at: now }), ...many(5, { channel: 'push', engaged: false, at: now })], now, config);
    expect(priors.channels.push?.rate).toBe(0.3);
    expect(priors.observations).toBe(10);
    expect(learnedPriorsSchema.parse(priors)).toEqual(priors);
  });

  it('counts an observation a half-life old as half of one', () => {
    // 10 engaged a week ago (weight 5) and 10 not engaged now (weight 10): (5 + 1) / (15 + 10) = 0.24.
    const priors = learnPriors([...many(10, { channel: 'push', engaged: true, at: at(7) }), ...many(10, { channel: 'push', engaged: false, at: now })], now, config);
    expect(priors.channels.push?.rate).toBe(0.24);
  });

  it('learns the moment and the stated preference as lifts on the channel', () => {
    const observations = [
      ...many(10, { channel: 'push', moment: 'store', preferred: 'email', engaged: true, at: now }),
      ...many(30, { channel: 'push', moment: 'offline', preferred: 'push', engaged: false, at: now }),
    ];
    const priors = learnPriors(observations, now, config);
    // Channel: (10 + 1) / (40 + 10) = 0.22. Store: (10 + 0.22·10) / (10 + 10) = 0.61.
    expect(priors.channels.push?.rate).toBe(0.22);
    expect(priors.channels.push?.moments.store?.rate).toBe(0.61);
    const prior = channelPrior(priors, 'push', { moment: 'store', preferred: 'email' }, config);
    expect(prior.learned).toBe(true);
    expect(prior.lift).toBeCloseTo(0.61 / 0.22, 10);
    expect(prior.rate).toBe(priors.channels.push?.preferred.email?.rate);
  });

  it('falls back to the configured prior for a channel nothing was learned about', () => {
    const prior = channelPrior(learnPriors([], now, config), 'sms', { moment: 'store' }, config);
    expect(prior).toEqual({ rate: config.priors.sms.rate, strength: config.priors.sms.strength, lift: 1, preferredLift: 1, weight: config.priors.sms.strength, learned: false });
  });
});
