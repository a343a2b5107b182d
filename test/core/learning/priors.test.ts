import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../../functions/core/config.js';
import { changeAt, type ChangeBlock, channelPrior, learnedPriorsSchema, learnPriors, type Observation } from '../../../functions/core/learning/priors.js';

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
    expect(prior).toEqual({
      rate: config.priors.sms.rate,
      strength: config.priors.sms.strength,
      lift: 1,
      preferredLift: 1,
      weight: config.priors.sms.strength,
      learned: false,
      trend: 1,
    });
  });
});

const block = (messages: number, engaged: number): ChangeBlock => ({ messages, engaged, weight: messages, weightedEngaged: engaged });

describe('finding when a rate changed', () => {
  // The youngest block: 30 messages, none engaged; an older one: 30, half engaged.
  const blocks = new Map([
    [0, block(30, 0)],
    [16, block(30, 15)],
  ]);

  it('places a change where two rates explain the messages clearly better than one, by hand', () => {
    // One rate, 15 of 60: 15·ln(0.25) + 45·ln(0.75) = −33.74. Two: 0 of 30 gives 0, 15 of 30 gives
    // 30·ln(0.5) = −20.79. Twice the difference: 25.9, above 15, so the change is after block 0.
    expect(changeAt(blocks, { minMessages: 20, evidence: 15 })).toBe(0);
    expect(changeAt(blocks, { minMessages: 20, evidence: 26 })).toBeUndefined();
  });

  it('needs enough messages on each side, and finds none where the rate held', () => {
    expect(changeAt(blocks, { minMessages: 31, evidence: 15 })).toBeUndefined();
    const steady = new Map([
      [0, block(30, 8)],
      [16, block(30, 7)],
    ]);
    expect(changeAt(steady, { minMessages: 20, evidence: 15 })).toBeUndefined();
  });
});

describe('a stated preference whose rate changed', () => {
  const changeConfig = { ...config, learning: { ...config.learning, halfLifeDays: 7, change: { blockHours: 3, minMessages: 20, evidence: 15 } } };
  const twoDaysOld = Math.pow(0.5, 2 / 7);
  const observations = [
    ...many(30, { channel: 'push', preferred: 'push', engaged: false, at: now }),
    ...many(15, { channel: 'push', preferred: 'push', engaged: true, at: at(2) }),
    ...many(15, { channel: 'push', preferred: 'push', engaged: false, at: at(2) }),
  ];

  it('is learned from the messages since the change alone, starting from the channel’s rate, and says since when', () => {
    const priors = learnPriors(observations, now, changeConfig);
    // Channel, every message faded: (15·0.82 + 0.1·10) / (30 + 30·0.82 + 10) = 0.206.
    const channel = (15 * twoDaysOld + 1) / (30 + 30 * twoDaysOld + 10);
    expect(priors.channels.push?.rate).toBeCloseTo(channel, 4);
    // Since the change: the 30 recent messages, none engaged, smoothed toward the channel's rate with
    // the channel's strength: (0 + 0.206·10) / (30 + 10) = 0.051.
    const sinceChange = (channel * 10) / (30 + 10);
    const push = priors.channels.push?.preferred.push;
    expect(push?.rate).toBeCloseTo(sinceChange, 4);
    expect(push?.weight).toBe(30);
    // The change lies between the youngest block of 3 hours and the next.
    expect(push?.since).toBe('2026-03-19T21:00:00.000Z');
    // Over a customer's history half-life (7 days, as the priors' here) every message counts, as for
    // the channel: (15·0.82 + 0.206·10) / (54.6 + 10) = 0.222. The trend is the rate now over it.
    const history = (15 * twoDaysOld + channel * 10) / (30 + 30 * twoDaysOld + 10);
    expect(push?.trend).toBeCloseTo(sinceChange / history, 3);
    expect(learnedPriorsSchema.parse(priors)).toEqual(priors);
    const prior = channelPrior(priors, 'push', { preferred: 'push' }, changeConfig);
    expect(prior.since).toBe('2026-03-19T21:00:00.000Z');
    expect(prior.trend).toBe(push?.trend);
  });

  it('keeps every message, faded, when nothing changed', () => {
    const steady = [...many(30, { channel: 'push', preferred: 'push', engaged: false, at: now }), ...many(30, { channel: 'push', preferred: 'push', engaged: false, at: at(2) })];
    const push = learnPriors(steady, now, changeConfig).channels.push?.preferred.push;
    expect(push?.since).toBeUndefined();
    expect(push?.weight).toBeCloseTo(30 + 30 * twoDaysOld, 4);
  });
});
