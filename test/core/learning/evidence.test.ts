import { describe, expect, it } from 'vitest';
import { countOnce } from '../../../functions/core/feedback/engagement.js';
import { countedEvidence, fade, recentEvidence, snapshotAt } from '../../../functions/core/learning/evidence.js';
import type { ChannelEngagement } from '../../../functions/core/model.js';

const DAY = 86_400_000;
const t0 = new Date('2026-03-02T10:00:00Z');
const later = (days: number) => new Date(t0.getTime() + days * DAY);

describe('faded evidence', () => {
  it('halves per half-life and never grows with age', () => {
    expect(fade(0, 7)).toBe(1);
    expect(fade(7 * DAY, 7)).toBeCloseTo(0.5, 12);
    expect(fade(14 * DAY, 7)).toBeCloseTo(0.25, 12);
    expect(fade(-DAY, 7)).toBe(1);
  });

  it('counts engaged as the larger of opened and clicked, never above delivered, and falls back to sent', () => {
    expect(countedEvidence({ delivered: 10, opened: 2, clicked: 4 })).toEqual({ delivered: 10, engaged: 4 });
    expect(countedEvidence({ delivered: 3, opened: 9 })).toEqual({ delivered: 3, engaged: 3 });
    expect(countedEvidence({ sent: 5, clicked: 1 })).toEqual({ delivered: 5, engaged: 1 });
  });

  it('takes counts without a snapshot as recent: nothing can be dated, so nothing fades', () => {
    expect(recentEvidence({ delivered: 8, opened: 2 }, later(100), 7)).toEqual({ delivered: 8, engaged: 2 });
  });

  it('fades the snapshot by its age and adds what was counted since in full', () => {
    // As of t0: 4 delivered and 2 engaged, faded sums 3 and 1.5. Since then: 2 more delivered, no engagement.
    const history: ChannelEngagement = {
      delivered: 6,
      opened: 2,
      recent: { at: t0.toISOString(), delivered: 3, engaged: 1.5, countedDelivered: 4, countedEngaged: 2 },
    };
    const week = recentEvidence(history, later(7), 7);
    expect(week.delivered).toBeCloseTo(3 * 0.5 + 2, 10);
    expect(week.engaged).toBeCloseTo(1.5 * 0.5, 10);
  });

  it('writes a snapshot with each engagement that the reader folds back to the same numbers', () => {
    let history: ChannelEngagement | undefined;
    history = countOnce(history, 'delivered', t0, 7);
    history = countOnce(history, 'opened', t0, 7);
    expect(history.recent).toEqual({ at: t0.toISOString(), delivered: 1, engaged: 1, countedDelivered: 1, countedEngaged: 1 });
    history = countOnce(history, 'delivered', later(7), 7);
    history = countOnce(history, 'opened', later(7), 7);
    // The first message is a half-life old when the second is opened.
    expect(history.recent).toMatchObject({ delivered: 1.5, engaged: 1.5, countedDelivered: 2, countedEngaged: 2 });
    expect(history.lastEngagedAt).toBe(later(7).toISOString());
    expect(recentEvidence(history, later(14), 7)).toEqual({ delivered: 0.75, engaged: 0.75 });
  });

  it('a customer who stops engaging is believed: old opens fade while new deliveries count in full', () => {
    let history: ChannelEngagement | undefined;
    for (let day = 0; day < 10; day++) {
      history = countOnce(history, 'delivered', later(day), 7);
      history = countOnce(history, 'opened', later(day), 7);
    }
    for (let day = 10; day < 20; day++) history = countOnce(history, 'delivered', later(day), 7);
    const counted = countedEvidence(history);
    const faded = recentEvidence(history, later(20), 7);
    expect(counted.engaged / counted.delivered).toBe(0.5);
    expect(faded.engaged / faded.delivered).toBeLessThan(0.4);
  });

  it('ignores a mangled snapshot rather than trusting it', () => {
    const history = { delivered: 4, opened: 1, recent: { at: 'yesterday', delivered: -1, engaged: 'x' } } as unknown as ChannelEngagement;
    expect(recentEvidence(history, later(1), 7)).toEqual({ delivered: 4, engaged: 1 });
    expect(snapshotAt(history, { delivered: 5, opened: 2 }, later(1), 7)).toMatchObject({ delivered: 5, engaged: 2, countedDelivered: 5, countedEngaged: 2 });
  });
});
