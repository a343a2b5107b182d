import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, CHANNELS, type Channel } from '../../../functions/core/model.js';
import {
  type ChannelTiming,
  decideDeferral,
  DEFAULT_DEFERRAL_RULES,
  type DeferralInput,
  deferralRulesSchema,
  PERISHABLE_RULES,
  WAIT_RULES,
} from '../../../functions/core/timing/deferral.js';

const at = (iso: string) => new Date(iso);
/** 23:00 in Tokyo. */
const now = at('2026-11-23T14:00:00Z');
/** 07:00 the next morning in Tokyo. */
const morning = at('2026-11-23T22:00:00Z');

const open = (channel: Channel): ChannelTiming => ({ channel, state: 'open' });
const quiet = (channel: Channel, opensAt: Date | undefined = morning): ChannelTiming => ({ channel, state: 'closed_for_now', reason: 'QUIET_HOURS', opensAt });
const outsideWindow = (channel: Channel, opensAt: Date | undefined): ChannelTiming => ({ channel, state: 'closed_for_now', reason: 'SEND_WINDOW', opensAt });
const noConsent = (channel: Channel): ChannelTiming => ({ channel, state: 'blocked', reason: 'NO_CONSENT', detail: 'no opt-in for promotions' });

const base = { now, timeZone: 'Asia/Tokyo', expiresAt: at('2026-11-24T12:00:00Z') } as const;
const input = (overrides: Partial<DeferralInput> & Pick<DeferralInput, 'channels'>): DeferralInput => ({ ...base, category: 'marketing', ...overrides });

describe('decideDeferral: the best channel', () => {
  it('sends now on the best channel when it is open', () => {
    expect(decideDeferral(input({ channels: [open('push'), quiet('sms')] }))).toEqual({ kind: 'send_now', channel: 'push', reasons: ['push is open now'] });
  });

  it('passes over channels blocked for other reasons, saying why', () => {
    expect(decideDeferral(input({ channels: [noConsent('push'), open('email')] }))).toEqual({
      kind: 'send_now',
      channel: 'email',
      reasons: ['push cannot be used: NO_CONSENT (no opt-in for promotions)', 'email is open now'],
    });
  });
});

describe('decideDeferral: the best channel closed for now, opening before expiresAt', () => {
  const channels = [quiet('push'), open('email')];

  it('marketing waits for the best channel by default', () => {
    expect(decideDeferral(input({ channels }))).toEqual({
      kind: 'defer',
      until: morning,
      reason: 'QUIET_HOURS',
      channel: 'push',
      reasons: [
        'push is in quiet hours until 2026-11-24 07:00 Asia/Tokyo',
        'waiting lands before expiresAt 2026-11-24 21:00 Asia/Tokyo',
        'email is open now but ranks below push',
        'marketing waits for the best channel',
      ],
    });
  });

  it('transactional takes the best channel available now by default', () => {
    expect(decideDeferral(input({ channels, category: 'transactional' }))).toEqual({
      kind: 'send_now',
      channel: 'email',
      reasons: [
        'push is in quiet hours until 2026-11-24 07:00 Asia/Tokyo',
        'email is open now',
        'waiting lands before expiresAt 2026-11-24 21:00 Asia/Tokyo',
        'transactional takes the best channel available now',
      ],
    });
  });

  it('follows the configured rule for each category', () => {
    const rules = deferralRulesSchema.parse({ marketing: 'best_available_now', transactional: 'wait_for_best' });
    expect(decideDeferral(input({ channels }), rules)).toMatchObject({ kind: 'send_now', channel: 'email' });
    expect(decideDeferral(input({ channels, category: 'transactional' }), rules)).toMatchObject({ kind: 'defer', channel: 'push', until: morning });
  });

  it('waits when there is no expiresAt, and says so', () => {
    const decision = decideDeferral(input({ channels, expiresAt: undefined }));
    expect(decision).toMatchObject({ kind: 'defer', channel: 'push', until: morning });
    expect(decision.reasons).toContain('the message has no expiresAt, so waiting cannot expire it');
  });

  it('with nothing open, the best available is the channel that opens first, the better ranked on a tie', () => {
    const later = at('2026-11-24T00:00:00Z');
    const soon = at('2026-11-23T20:00:00Z');
    const transactional = { category: 'transactional' as const };
    expect(decideDeferral(input({ ...transactional, channels: [quiet('push', later), outsideWindow('email', soon), quiet('sms', soon)] }))).toMatchObject({
      kind: 'defer',
      channel: 'email',
      until: soon,
      reason: 'SEND_WINDOW',
    });
    const decision = decideDeferral(input({ ...transactional, channels: [quiet('push', later), quiet('sms', later)] }));
    expect(decision).toMatchObject({ kind: 'defer', channel: 'push', until: later });
    expect(decision.reasons.at(-1)).toBe('no channel is open now; push opens first');
  });

  it('never defers to a channel blocked for another reason', () => {
    expect(decideDeferral(input({ channels: [noConsent('push'), quiet('sms'), noConsent('email')] }))).toMatchObject({ kind: 'defer', channel: 'sms', until: morning });
  });
});

describe('decideDeferral: the best channel opening only after expiresAt', () => {
  // 05:00 in Tokyo: before quiet hours end.
  const expiresAt = at('2026-11-23T20:00:00Z');
  const channels = [quiet('push'), open('email')];

  it('by default takes the best channel available now, recording why', () => {
    expect(decideDeferral(input({ channels, expiresAt }))).toEqual({
      kind: 'send_now',
      channel: 'email',
      reasons: [
        'push is in quiet hours until 2026-11-24 07:00 Asia/Tokyo',
        'email is open now',
        'waiting for push would land at or after expiresAt 2026-11-24 05:00 Asia/Tokyo',
        'a message that would expire waiting takes the best channel available now (perishable: best_available_now)',
      ],
    });
  });

  it('records EXPIRED with the reason when the rule says so', () => {
    const rules = deferralRulesSchema.parse({ perishable: 'expire' });
    expect(decideDeferral(input({ channels, expiresAt }), rules)).toEqual({
      kind: 'expire',
      reason: 'QUIET_HOURS',
      reasons: [
        'push is in quiet hours until 2026-11-24 07:00 Asia/Tokyo',
        'waiting for push would land at or after expiresAt 2026-11-24 05:00 Asia/Tokyo',
        'a message that would expire waiting is not sent on a worse channel (perishable: expire)',
      ],
    });
  });

  it('defers to a worse channel that opens in time when none is open now', () => {
    const atFour = at('2026-11-23T19:00:00Z');
    expect(decideDeferral(input({ channels: [quiet('push'), outsideWindow('email', atFour)], expiresAt }))).toMatchObject({
      kind: 'defer',
      channel: 'email',
      until: atFour,
      reason: 'SEND_WINDOW',
    });
  });

  it("expires when no channel opens in time, naming the best channel's reason", () => {
    const decision = decideDeferral(input({ channels: [outsideWindow('push', morning), quiet('email', morning), noConsent('sms')], expiresAt }));
    expect(decision).toMatchObject({ kind: 'expire', reason: 'SEND_WINDOW' });
    expect(decision.reasons).toContain('sms cannot be used: NO_CONSENT (no opt-in for promotions)');
    expect(decision.reasons.at(-1)).toBe('no channel opens before expiresAt');
  });

  it('counts an opening exactly at expiresAt as too late', () => {
    expect(decideDeferral(input({ channels: [quiet('push')], expiresAt: morning }))).toMatchObject({ kind: 'expire', reason: 'QUIET_HOURS' });
  });
});

describe('decideDeferral: nothing to send on, expired, scheduled', () => {
  it('gives up when no channel can carry the message now or later', () => {
    expect(decideDeferral(input({ channels: [noConsent('push'), outsideWindow('email', undefined)] }))).toEqual({
      kind: 'none',
      reasons: [
        'push cannot be used: NO_CONSENT (no opt-in for promotions)',
        'email is outside its send window, which never opens',
        'no channel can carry the message, now or later',
      ],
    });
  });

  it('expires a message already past expiresAt', () => {
    expect(decideDeferral(input({ channels: [open('push')], expiresAt: now }))).toEqual({
      kind: 'expire',
      reason: 'PAST_EXPIRES_AT',
      reasons: ['expiresAt 23:00 Asia/Tokyo has passed'],
    });
  });

  it('defers a scheduled send to its time whatever is open now', () => {
    const sendAt = at('2026-11-24T00:00:00Z');
    expect(decideDeferral(input({ channels: [open('push')], sendAt }))).toEqual({
      kind: 'defer',
      until: sendAt,
      reason: 'SCHEDULED',
      channel: 'push',
      reasons: ['scheduled for 2026-11-24 09:00 Asia/Tokyo; channels are chosen again then, push leads now'],
    });
  });

  it('expires a send scheduled at or after expiresAt', () => {
    expect(decideDeferral(input({ channels: [open('push')], sendAt: at('2026-11-24T12:00:00Z') }))).toMatchObject({ kind: 'expire', reason: 'SCHEDULED' });
  });

  it('treats a scheduled time already reached as now', () => {
    expect(decideDeferral(input({ channels: [open('push')], sendAt: now }))).toMatchObject({ kind: 'send_now', channel: 'push' });
  });
});

describe('deferralRulesSchema', () => {
  it('has documented defaults and refuses unknown rules and fields', () => {
    expect(DEFAULT_DEFERRAL_RULES).toEqual({ marketing: 'wait_for_best', transactional: 'best_available_now', perishable: 'best_available_now' });
    expect(deferralRulesSchema.safeParse({ marketing: 'whenever' }).success).toBe(false);
    expect(deferralRulesSchema.safeParse({ promotional: 'wait_for_best' }).success).toBe(false);
  });
});

describe('decideDeferral, properties', () => {
  const start = now.getTime();
  const instant = fc.integer({ min: start + 1, max: start + 2 * 86_400_000 }).map((ms) => new Date(ms));
  const timing = (channel: Channel) =>
    fc.oneof(
      fc.constant<ChannelTiming>(open(channel)),
      fc
        .record({ reason: fc.constantFrom('QUIET_HOURS' as const, 'SEND_WINDOW' as const), opensAt: fc.option(instant, { nil: undefined }) })
        .map(({ reason, opensAt }): ChannelTiming => ({ channel, state: 'closed_for_now', reason, opensAt })),
      fc.constant<ChannelTiming>(noConsent(channel)),
    );
  const channels = fc.shuffledSubarray([...CHANNELS]).chain((list) => fc.tuple(...list.map(timing)));
  const rules = fc.record({ marketing: fc.constantFrom(...WAIT_RULES), transactional: fc.constantFrom(...WAIT_RULES), perishable: fc.constantFrom(...PERISHABLE_RULES) });

  test.prop([channels, fc.constantFrom(...CATEGORIES), fc.option(instant, { nil: undefined }), rules], { seed: 20_261_124, numRuns: 300 })(
    'sends only on an open channel, defers only to a clock-closed channel at its opening before expiresAt',
    (list, category, expiresAt, chosenRules) => {
      const decision = decideDeferral({ channels: list, category, now, ...(expiresAt ? { expiresAt } : {}), timeZone: 'Asia/Tokyo' }, chosenRules);
      expect(decision.reasons.length).toBeGreaterThan(0);
      if (decision.kind === 'send_now') expect(list.find((item) => item.channel === decision.channel)?.state).toBe('open');
      if (decision.kind === 'defer') {
        const chosen = list.find((item) => item.channel === decision.channel);
        expect(chosen).toMatchObject({ state: 'closed_for_now', reason: decision.reason, opensAt: decision.until });
        expect(decision.until.getTime()).toBeGreaterThan(now.getTime());
        if (expiresAt) expect(decision.until.getTime()).toBeLessThan(expiresAt.getTime());
      }
      const usable = list.some((item) => item.state === 'open' || (item.state === 'closed_for_now' && item.opensAt));
      expect(decision.kind === 'none').toBe(!usable);
    },
  );
});
