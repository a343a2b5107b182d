import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { decide } from '../../functions/core/decide.js';
import { historyEntry } from '../../functions/core/history.js';
import { type DeliveryRecord, SCORE_COMPONENTS } from '../../functions/core/model.js';
import { customerFixture, FIXTURE_NOW } from '../fixtures/customers.js';
import { manifest, sendRequest } from '../fixtures/requests.js';
import { exploredDecision } from '../support/explored-decision.js';

const base: DeliveryRecord = {
  requestId: 'r-1',
  customerId: 'c-2004',
  template: 'cart-reminder',
  category: 'marketing',
  topic: 'promotions',
  strategy: 'failover',
  status: 'SENT',
  attempts: [],
  timeline: [],
  createdAt: '2026-11-23T16:00:00.000Z',
  updatedAt: '2026-11-23T16:00:00.000Z',
};

const email = { channel: 'email' as const, score: 0.065, reasons: ['engagement +0.08: no history, prior 20%'], components: { engagement: 0.08 } };

/** A marketing message for a customer asleep in Tokyo, as the orchestrator records it while it waits. */
const deferred: DeliveryRecord = {
  ...base,
  status: 'DEFERRED',
  decision: {
    ranked: [email],
    excluded: [{ channel: 'push', reason: 'QUIET_HOURS', detail: 'quiet hours 21:00–08:00 in Asia/Tokyo, until 08:00 Asia/Tokyo' }],
    timing: {
      outcome: 'defer',
      reason: 'QUIET_HOURS',
      until: '2026-11-23T23:00:00.000Z',
      reasons: [
        'push is in quiet hours until 08:00 Asia/Tokyo (quiet hours 21:00–08:00 in Asia/Tokyo)',
        'email is open now but ranks below push',
        'marketing waits for the best channel',
      ],
    },
  },
  timeline: [
    { status: 'ACCEPTED', at: '2026-11-23T16:00:00.000Z' },
    { status: 'DEFERRED', at: '2026-11-23T16:00:00.000Z', detail: 'QUIET_HOURS until 2026-11-23T23:00:00.000Z: push is in quiet hours until 08:00 Asia/Tokyo' },
  ],
  deferredUntil: '2026-11-23T23:00:00.000Z',
  wake: { token: 'd1', kind: 'deferral', due: '2026-11-23T23:00:00.000Z' },
  wakes: 1,
  request: { requestId: 'r-1', customerId: 'c-2004', template: 'cart-reminder', data: { cartUrl: 'https://fernhill.example/cart/r/secret' } },
};

const push = { channel: 'push' as const, score: 0.9, reasons: ['context +0.40: in store'], components: { context: 0.4 } };
const inApp = { channel: 'in_app' as const, score: 0.2, reasons: ['engagement +0.06: no history, prior 15%'], components: { engagement: 0.06 } };

/** An escalation that went from in-app to push, and was opened there. */
const escalated: DeliveryRecord = {
  ...base,
  customerId: 'c-1',
  strategy: 'escalate',
  status: 'OPENED',
  channel: 'in_app',
  channels: ['in_app', 'push'],
  attempts: [
    { channel: 'in_app', at: '2026-11-24T12:00:00.000Z', outcome: 'SENT', providerMessageId: 'in_app-1' },
    { channel: 'push', at: '2026-11-24T12:30:00.000Z', outcome: 'SENT', providerMessageId: 'push-1' },
  ],
  decision: { ranked: [inApp, push], excluded: [] },
  timeline: [
    { status: 'SENT', at: '2026-11-24T12:00:00.000Z', channel: 'in_app' },
    { status: 'SENT', at: '2026-11-24T12:30:00.000Z', channel: 'push', detail: 'no engagement on in_app within 30 min → push' },
    { status: 'OPENED', at: '2026-11-24T12:31:00.000Z', channel: 'push', eventId: 'evt-1' },
  ],
  escalation: {
    afterMs: 30 * 60_000,
    steps: [
      { channel: 'in_app', sentAt: '2026-11-24T12:00:00.000Z', reason: 'in_app first, the best channel' },
      { channel: 'push', sentAt: '2026-11-24T12:30:00.000Z', reason: 'no engagement on in_app within 30 min → push' },
    ],
    stopped: { cause: 'engaged', reason: 'engaged on push', at: '2026-11-24T13:00:00.000Z' },
  },
  wakes: 2,
};

describe('historyEntry: deferral', () => {
  it('shows when a deferred message is decided again, the timing note and why, first of the why lines', () => {
    const entry = historyEntry(deferred);
    expect(entry.status).toBe('DEFERRED');
    expect(entry.deferredUntil).toBe('2026-11-23T23:00:00.000Z');
    expect(entry.decision.timing).toEqual(deferred.decision?.timing);
    expect(entry.why).toEqual([
      'deferred (QUIET_HOURS) until 2026-11-23T23:00:00.000Z: push is in quiet hours until 08:00 Asia/Tokyo (quiet hours 21:00–08:00 in Asia/Tokyo); email is open now but ranks below push; marketing waits for the best channel',
      '#1 email (score 0.065): engagement +0.08: no history, prior 20%',
      'excluded push: QUIET_HOURS (quiet hours 21:00–08:00 in Asia/Tokyo, until 08:00 Asia/Tokyo)',
    ]);
  });

  it('never shows what the record keeps for itself while it waits: the stored request and the wake', () => {
    const entry = historyEntry(deferred);
    for (const internal of ['request', 'wake', 'wakes']) expect(entry).not.toHaveProperty(internal);
    expect(JSON.stringify(entry)).not.toContain('secret');
  });

  it('explains an EXPIRED message the clock held back past expiresAt', () => {
    const expired: DeliveryRecord = {
      ...base,
      status: 'EXPIRED',
      decision: {
        ranked: [],
        excluded: [{ channel: 'push', reason: 'QUIET_HOURS' }],
        timing: { outcome: 'expire', reason: 'QUIET_HOURS', reasons: ['push is in quiet hours until 08:00 Asia/Tokyo', 'no channel opens before expiresAt'] },
      },
    };
    const entry = historyEntry(expired);
    expect(entry.decision.timing).toEqual({
      outcome: 'expire',
      reason: 'QUIET_HOURS',
      reasons: ['push is in quiet hours until 08:00 Asia/Tokyo', 'no channel opens before expiresAt'],
    });
    expect(entry.why[0]).toBe('expired (QUIET_HOURS): push is in quiet hours until 08:00 Asia/Tokyo; no channel opens before expiresAt');
    expect(entry).not.toHaveProperty('deferredUntil');
  });

  it('notes a message sent at once while a better channel slept', () => {
    const sent: DeliveryRecord = {
      ...base,
      channel: 'email',
      decision: {
        ranked: [email],
        excluded: [],
        timing: { outcome: 'send_now', reasons: ['push is in quiet hours until 08:00 Asia/Tokyo', 'transactional takes the best channel available now'] },
      },
    };
    expect(historyEntry(sent).why[0]).toBe('timing: push is in quiet hours until 08:00 Asia/Tokyo; transactional takes the best channel available now');
  });

  it('adds nothing to a record the clock had no say in', () => {
    const entry = historyEntry({ ...base, channel: 'email', decision: { ranked: [email], excluded: [] } });
    expect(entry.decision).toEqual({ ranked: [{ channel: 'email', score: 0.065, reasons: email.reasons }], excluded: [] });
    expect(Object.keys(entry)).toEqual(['requestId', 'createdAt', 'updatedAt', 'template', 'category', 'topic', 'status', 'channel', 'timeline', 'decision', 'attempts', 'why']);
  });
});

describe('historyEntry: escalation', () => {
  it('lists every step with its reason and how the escalation stopped', () => {
    const entry = historyEntry(escalated);
    expect(entry.escalation).toEqual(escalated.escalation);
    expect(entry.why).toEqual([
      '#1 in_app (score 0.200, sent): engagement +0.06: no history, prior 15%',
      '#2 push (score 0.900, sent): context +0.40: in store',
      'escalation: in_app first, the best channel; the next channel after 30 min without engagement',
      'escalated: no engagement on in_app within 30 min → push',
      'escalation stopped: engaged on push',
    ]);
    expect(entry.timeline.map((event) => event.detail)).toContain('no engagement on in_app within 30 min → push');
    expect(entry).not.toHaveProperty('wakes');
  });

  it('says when the next step is looked at while the escalation runs, and never shows its wake or request', () => {
    const running: DeliveryRecord = {
      ...escalated,
      status: 'SENT',
      channels: ['in_app'],
      escalation: { afterMs: 30 * 60_000, steps: escalated.escalation?.steps.slice(0, 1) ?? [], nextAt: '2026-11-24T12:30:00.000Z' },
      wake: { token: 'e1', kind: 'escalation', due: '2026-11-24T12:30:00.000Z' },
      request: { requestId: 'r-1', data: { secret: 'secret' } },
    };
    const entry = historyEntry(running);
    expect(entry.escalation).toEqual({
      afterMs: 30 * 60_000,
      steps: [{ channel: 'in_app', sentAt: '2026-11-24T12:00:00.000Z', reason: 'in_app first, the best channel' }],
      nextAt: '2026-11-24T12:30:00.000Z',
    });
    expect(entry.why.slice(-2)).toEqual([
      'escalation: in_app first, the best channel; the next channel after 30 min without engagement',
      'escalation: next look at 2026-11-24T12:30:00.000Z',
    ]);
    expect(entry).not.toHaveProperty('wake');
    expect(entry).not.toHaveProperty('request');
    expect(JSON.stringify(entry)).not.toContain('secret');
  });

  it('copies the escalation field by field: an attribute a later writer adds does not leak', () => {
    const extra = { ...escalated, escalation: { ...escalated.escalation, internal: 'lease-7' } as DeliveryRecord['escalation'] };
    expect(JSON.stringify(historyEntry(extra))).not.toContain('lease-7');
  });
});

describe('historyEntry: a learned decision', () => {
  it('always shows the line saying exploration chose the winner, after the parts that weighed most and before how many more', () => {
    const { decision, chosen, expected } = exploredDecision();
    const note = chosen.reasons.filter((reason) => reason.startsWith('explored: '));
    expect(note).toEqual([expect.stringMatching(new RegExp(`^explored: \\d+% chance ${chosen.channel} beats ${expected.channel}$`))]);
    const parts = chosen.reasons.filter((reason) => !reason.startsWith('explored: '));
    // More parts than a line shows: without its own rule, the note would be the first left out.
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.some((reason) => reason.startsWith('exploration '))).toBe(true);

    const entry = historyEntry({ ...base, channel: chosen.channel, decision });
    const weight = (reason: string) => {
      const component = SCORE_COMPONENTS.find((name) => reason.startsWith(`${name} `));
      return component ? Math.abs(chosen.components[component] ?? 0) : 0;
    };
    const weightiest = [...parts].sort((a, b) => weight(b) - weight(a)).slice(0, 3);
    expect(entry.why[0]).toBe(`#1 ${chosen.channel} (score ${chosen.score.toFixed(3)}, sent): ${[...weightiest, ...note, `+${parts.length - 3} more`].join('; ')}`);
    expect(entry.decision.ranked[0]?.reasons).toEqual(chosen.reasons);
  });

  it('shows the exploration part like any other, by its weight', () => {
    const ranked = {
      channel: 'push' as const,
      score: 0.31,
      reasons: ['engagement +0.06: no history, set prior 15%', 'cost -0.03: relative cost 0.02', 'exploration +0.28: drew 85% for 15%', 'explored: 9% chance push beats email'],
      components: { engagement: 0.06, cost: -0.03, exploration: 0.28 },
    };
    expect(historyEntry({ ...base, channel: 'push', decision: { ranked: [ranked], excluded: [] } }).why[0]).toBe(
      '#1 push (score 0.310, sent): exploration +0.28: drew 85% for 15%; engagement +0.06: no history, set prior 15%; cost -0.03: relative cost 0.02; explored: 9% chance push beats email',
    );
  });

  it('shows where the customer was when it was decided, before the ranking', () => {
    const customer = customerFixture('lena-c-1001');
    const decision = decide({ request: sendRequest({ customerId: customer.customerId }), customer, manifest: manifest(), now: FIXTURE_NOW }, defaultDecisionConfig);
    expect(decision.moment).toBe('store');
    const entry = historyEntry({ ...base, channel: 'push', decision });
    expect(entry.decision.moment).toBe('store');
    expect(entry.why[0]).toBe('moment: store');
    expect(entry.why[1]).toMatch(/^#1 push \(score [\d.]+, sent\): /);
  });
});
