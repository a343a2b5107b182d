import { describe, expect, it } from 'vitest';
import { planWrite, SEEN_EVENTS_PER_GENERATION } from '../../../functions/core/feedback/apply.js';
import type { FeedbackEvent } from '../../../functions/core/feedback/event.js';
import type { FeedbackTarget } from '../../../functions/core/feedback/ports.js';

const now = new Date('2026-11-24T14:00:00Z');
const event: FeedbackEvent = { eventId: 'e-new', requestId: 'r-1', channel: 'email', kind: 'opened', at: '2026-11-24T13:00:00.000Z', source: 'ses' };
const ids = (count: number) => new Set(Array.from({ length: count }, (_, i) => `e-${i}`));
const target = (seen: Partial<FeedbackTarget>): FeedbackTarget => ({
  requestId: 'r-1',
  customerId: 'c-1',
  status: 'DELIVERED',
  sentChannels: ['email'],
  finished: true,
  seenEvents: new Set(),
  countedEngagement: new Set(),
  timelineLength: 3,
  ...seen,
});

describe('the de-duplication mark a write plans', () => {
  it('joins the newest generation while it has room', () => {
    const write = planWrite(event, target({ seenEvents: ids(SEEN_EVENTS_PER_GENERATION + 20), recentSeenCount: SEEN_EVENTS_PER_GENERATION - 1 }), now);
    expect(write.seen).toEqual({ limit: SEEN_EVENTS_PER_GENERATION, startGeneration: false });
  });

  it('starts a new generation once the newest is full', () => {
    const write = planWrite(event, target({ seenEvents: ids(2 * SEEN_EVENTS_PER_GENERATION), recentSeenCount: SEEN_EVENTS_PER_GENERATION }), now);
    expect(write.seen).toEqual({ limit: SEEN_EVENTS_PER_GENERATION, startGeneration: true });
  });

  it('counts every seen id as the newest generation when the store keeps just one set', () => {
    expect(planWrite(event, target({ seenEvents: ids(SEEN_EVENTS_PER_GENERATION - 1) }), now).seen.startGeneration).toBe(false);
    expect(planWrite(event, target({ seenEvents: ids(5 * SEEN_EVENTS_PER_GENERATION) }), now).seen.startGeneration).toBe(true);
  });
});
