import { describe, expect, it } from 'vitest';
import { configuredPriorsLines, learnedPriorsLines } from '../../functions/cli/commands/priors-text.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import type { LearnedPriors } from '../../functions/core/learning/priors.js';

const NOW = new Date('2026-11-24T14:05:20Z');

const learned: LearnedPriors = {
  learnedAt: '2026-11-24T12:00:00.000Z',
  observations: 1200,
  channels: {
    // Stored out of the usual order: the lines follow the channels', moments' and preferences' own order.
    email: { rate: 0.2, weight: 300, moments: {}, preferred: {} },
    push: {
      rate: 0.1234,
      weight: 412.34,
      trend: 0.95,
      moments: { store: { rate: 0.2468, weight: 100 }, app: { rate: 0.0617, weight: 50.06 } },
      preferred: { none: { rate: 0.15, weight: 12.25 }, push: { rate: 0.05, weight: 80 } },
    },
  },
};

describe('the learned priors as text', () => {
  it('shows when and from how many messages, each channel with its evidence, and the rates by moment and by first preference against the channel’s', () => {
    expect(learnedPriorsLines(learned, defaultDecisionConfig, NOW)).toEqual([
      'learned 2026-11-24T12:00:00.000Z (2 h 5 min ago) from 1200 messages',
      '',
      'by channel',
      '  channel  rate  evidence  trend',
      '  -------  ----  --------  -----',
      '  push     12%   412.3     ×0.95',
      '  email    20%   300',
      '  not learned, so configured: sms 15%, in_app 15%',
      '',
      'by channel × moment',
      '  channel  moment  rate  evidence  vs channel',
      '  -------  ------  ----  --------  ----------',
      '  push     app     6%    50.1      ×0.50',
      '  push     store   25%   100       ×2.00',
      '',
      'by channel × stated first preference',
      '  channel  first preference  rate  evidence  vs channel',
      '  -------  ----------------  ----  --------  ----------',
      '  push     push              5%    80        ×0.41',
      '  push     none              15%   12.3      ×1.22',
      '',
      'evidence: messages learned from, each counting half after 4 days',
      'vs channel: the rate over its channel’s. A moment scales a customer’s estimate by it; a stated',
      '  first preference starts the customer from its own rate instead of the channel’s',
      'trend: the recent rate over the longer-run one (above 1: rising)',
    ]);
  });

  it('says what is missing rather than showing empty tables, and leaves out the trend when nothing has one', () => {
    const lines = learnedPriorsLines({ learnedAt: '2026-11-24T14:05:20Z', observations: 0, channels: {} }, defaultDecisionConfig, NOW);
    expect(lines[0]).toBe('learned 2026-11-24T14:05:20Z (0 s ago) from 0 messages');
    expect(lines).toContain('  none: no channel had a message to learn from');
    expect(lines).toContain('  not learned, so configured: push 15%, sms 15%, email 20%, in_app 15%');
    expect(lines).toContain('  none: no message said where the customer was');
    expect(lines).toContain('  none: no message named the customer’s first preference');
    expect(lines.join('\n')).not.toMatch(/trend/);
  });

  it('shows a group’s trend and when its rate changed, once a group has them', () => {
    const changed: LearnedPriors = {
      ...learned,
      channels: {
        push: {
          ...learned.channels.push!,
          preferred: { push: { rate: 0.03, weight: 40, trend: 0.4, since: '2026-11-23T11:00:00.000Z' }, none: { rate: 0.15, weight: 12.25, trend: 1.1 } },
        },
      },
    };
    const lines = learnedPriorsLines(changed, defaultDecisionConfig, NOW);
    const table = lines.slice(lines.indexOf('by channel × stated first preference') + 1, lines.indexOf('by channel × stated first preference') + 5);
    expect(table).toEqual([
      '  channel  first preference  rate  evidence  vs channel  trend  changed',
      '  -------  ----------------  ----  --------  ----------  -----  -----------------',
      '  push     push              3%    40        ×0.24       ×0.40  1 d 3 h 5 min ago',
      '  push     none              15%   12.3      ×1.22       ×1.10',
    ]);
    expect(lines).toContain('changed: when the group’s rate changed; its rate is learned from the messages since');
  });

  it('uses the half-life of the config it is given, and flags priors learned after now', () => {
    const config = { ...defaultDecisionConfig, learning: { ...defaultDecisionConfig.learning, priorsHalfLifeDays: 2 } };
    const lines = learnedPriorsLines(learned, config, new Date('2026-11-24T11:00:00Z'));
    expect(lines[0]).toBe('learned 2026-11-24T12:00:00.000Z (in the future: check the clocks) from 1200 messages');
    expect(lines).toContain('evidence: messages learned from, each counting half after 2 days');
  });
});

describe('the configured priors as text', () => {
  it('lists every channel’s configured rate and what it is worth', () => {
    const config = { priors: { ...defaultDecisionConfig.priors, sms: { rate: 0.034, strength: 25 } } };
    expect(configuredPriorsLines(config)).toEqual([
      '  channel  rate  strength',
      '  -------  ----  -----------------',
      '  push     15%   worth 10 messages',
      '  sms      3%    worth 25 messages',
      '  email    20%   worth 10 messages',
      '  in_app   15%   worth 10 messages',
    ]);
  });
});
