import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../../functions/core/config.js';
import type { LearnedPriors } from '../../../functions/core/learning/priors.js';
import { PRIORS_WINDOW_HALF_LIVES, refreshPriors } from '../../../functions/core/learning/refresh.js';
import type { DeliverySample } from '../../../functions/core/ports.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

/** A stored record sent on `channel` `days` ago, opened or not. */
function sent(channel: string, days: number, opened: boolean): Record<string, unknown> {
  const at = daysAgo(days);
  return {
    createdAt: at,
    status: opened ? 'OPENED' : 'SENT',
    attempts: [{ channel, at, outcome: 'SENT' }],
    timeline: opened ? [{ status: 'OPENED', at, channel }] : [],
    decision: { moment: 'app' },
  };
}

/** Hands out its items up to the bound, as the table would, and notes what it was asked. */
function sample(items: Record<string, unknown>[]) {
  const asked: { since?: Date; maxItems?: number } = {};
  const deliveries: DeliverySample = {
    read(since, maxItems, visit) {
      Object.assign(asked, { since, maxItems });
      const taken = items.slice(0, maxItems);
      taken.forEach(visit);
      return Promise.resolve({ read: taken.length, complete: taken.length === items.length });
    },
  };
  return { deliveries, asked };
}

function store() {
  const saved: LearnedPriors[] = [];
  return { saved, save: (priors: LearnedPriors) => Promise.resolve(void saved.push(priors)) };
}

describe('refreshPriors', () => {
  it('learns from the records of the window and stores what it learned', async () => {
    const halfLife = defaultDecisionConfig.learning.priorsHalfLifeDays;
    const items = [sent('push', 0, true), sent('push', 0, false), sent('email', 2, true), { status: 'SUPPRESSED', attempts: [], timeline: [] }];
    const { deliveries, asked } = sample(items);
    const kept = store();
    const result = await refreshPriors({ deliveries, store: kept, clock: { now: () => NOW }, decisionConfig: defaultDecisionConfig });
    expect(asked.since).toEqual(new Date(NOW.getTime() - PRIORS_WINDOW_HALF_LIVES * halfLife * DAY_MS));
    expect(asked.maxItems).toBe(20_000);
    expect(kept.saved).toEqual([result.priors]);
    expect(result).toMatchObject({ read: 4, complete: true, priors: { learnedAt: NOW.toISOString(), observations: 3 } });
    expect(Object.keys(result.priors.channels).sort()).toEqual(['email', 'push']);
    // Two messages sent just now, in the app: not faded at all.
    expect(result.priors.channels.push?.moments.app?.weight).toBe(2);
  });

  it('leaves out a send older than the window, even on a record the read kept', async () => {
    const old = { ...sent('sms', 200, true), createdAt: daysAgo(1) };
    const kept = store();
    const result = await refreshPriors({ deliveries: sample([old]).deliveries, store: kept, clock: { now: () => NOW }, decisionConfig: defaultDecisionConfig });
    expect(result.priors).toEqual({ learnedAt: NOW.toISOString(), observations: 0, channels: {} });
  });

  it('reads no more than the bound it is given, and says the read was cut short', async () => {
    const items = Array.from({ length: 5 }, (_, i) => sent('email', 1, i % 2 === 0));
    const result = await refreshPriors({ deliveries: sample(items).deliveries, store: store(), clock: { now: () => NOW }, decisionConfig: defaultDecisionConfig }, 3);
    expect(result).toMatchObject({ read: 3, complete: false, priors: { observations: 3 } });
  });
});
