import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/core/model.js';
import { durationSchema } from '../../../functions/core/timing/duration.js';
import { type EscalationAction, type EscalationStep, nextEscalation } from '../../../functions/core/timing/escalation.js';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;
const escalateAfterMs = durationSchema.parse('PT30M');
const channels: Channel[] = ['in_app', 'push', 'email'];
const start = at('2026-11-23T10:00:00Z');
const minutesLater = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);

describe('nextEscalation', () => {
  it('starts on the best channel', () => {
    expect(nextEscalation({ channels, steps: [], escalateAfterMs, now: start })).toEqual({ kind: 'send', channel: 'in_app', reason: 'in_app first, the best channel' });
  });

  it('waits for engagement until escalateAfter has passed since the last send', () => {
    const steps = [{ channel: 'in_app' as const, sentAt: start }];
    expect(nextEscalation({ channels, steps, escalateAfterMs, now: minutesLater(10) })).toEqual({
      kind: 'wait',
      until: minutesLater(30),
      reason: 'waiting for engagement on in_app until 2026-11-23T10:30:00.000Z',
    });
  });

  it('sends on the next eligible channel once it has', () => {
    const steps = [{ channel: 'in_app' as const, sentAt: start }];
    expect(nextEscalation({ channels, steps, escalateAfterMs, now: minutesLater(30) })).toEqual({
      kind: 'send',
      channel: 'push',
      reason: 'no engagement on in_app within 30 min → push',
    });
  });

  it('skips channels already used and those no longer eligible', () => {
    const steps = [{ channel: 'push' as const, sentAt: start }];
    expect(nextEscalation({ channels: ['push', 'email'], steps, escalateAfterMs, now: minutesLater(31) })).toMatchObject({ kind: 'send', channel: 'email' });
  });

  it.each([
    ['on the first step', [{ channel: 'in_app', sentAt: start, engagedAt: minutesLater(5) }], 'engaged on in_app'],
    [
      'on the second step',
      [
        { channel: 'in_app', sentAt: start },
        { channel: 'push', sentAt: minutesLater(30), engagedAt: minutesLater(31) },
      ],
      'engaged on push',
    ],
    [
      'on the last step',
      [
        { channel: 'in_app', sentAt: start },
        { channel: 'push', sentAt: minutesLater(30) },
        { channel: 'email', sentAt: minutesLater(60), engagedAt: minutesLater(70) },
      ],
      'engaged on email',
    ],
    [
      'late on an earlier step, after the next was sent: the first engagement counts',
      [
        { channel: 'in_app', sentAt: start, engagedAt: minutesLater(40) },
        { channel: 'push', sentAt: minutesLater(30), engagedAt: minutesLater(45) },
      ],
      'engaged on in_app',
    ],
  ] as [string, EscalationStep[], string][])('stops at engagement %s', (_name, steps, reason) => {
    expect(nextEscalation({ channels, steps, escalateAfterMs, now: minutesLater(120) })).toEqual({ kind: 'stop', cause: 'engaged', reason });
  });

  it('stops once the last channel has had its time', () => {
    const steps = channels.map((channel, index) => ({ channel, sentAt: minutesLater(index * 30) }));
    expect(nextEscalation({ channels, steps, escalateAfterMs, now: minutesLater(75) })).toMatchObject({ kind: 'wait', until: minutesLater(90) });
    expect(nextEscalation({ channels, steps, escalateAfterMs, now: minutesLater(90) })).toEqual({
      kind: 'stop',
      cause: 'no_channel_left',
      reason: 'no engagement on email within 30 min; no channel left',
    });
    expect(nextEscalation({ channels: [], steps: [], escalateAfterMs, now: start })).toEqual({ kind: 'stop', cause: 'no_channel_left', reason: 'no eligible channel' });
  });

  it('stops at expiresAt', () => {
    const steps = [{ channel: 'in_app' as const, sentAt: start }];
    expect(nextEscalation({ channels, steps, escalateAfterMs, expiresAt: minutesLater(45), now: minutesLater(45) })).toEqual({
      kind: 'stop',
      cause: 'expired',
      reason: 'expired at 2026-11-23T10:45:00.000Z',
    });
    expect(nextEscalation({ channels, steps: [], escalateAfterMs, expiresAt: start, now: start })).toMatchObject({ kind: 'stop', cause: 'expired' });
  });

  it('waits no longer than expiresAt, and never sends at it', () => {
    const steps = [{ channel: 'in_app' as const, sentAt: start }];
    expect(nextEscalation({ channels, steps, escalateAfterMs, expiresAt: minutesLater(30), now: minutesLater(5) })).toEqual({
      kind: 'wait',
      until: minutesLater(30),
      reason: 'waiting for engagement on in_app until expiresAt 2026-11-23T10:30:00.000Z',
    });
    expect(nextEscalation({ channels, steps, escalateAfterMs, expiresAt: minutesLater(30), now: minutesLater(30) })).toMatchObject({ kind: 'stop', cause: 'expired' });
    expect(nextEscalation({ channels, steps, escalateAfterMs, expiresAt: minutesLater(31), now: minutesLater(30) })).toMatchObject({ kind: 'send', channel: 'push' });
  });

  it('refuses a duration that is not positive', () => {
    expect(() => nextEscalation({ channels, steps: [], escalateAfterMs: 0, now: start })).toThrow(RangeError);
  });
});

describe('an escalation run, step by step', () => {
  /** Plays the actions against a clock that only moves when told to wait; the customer engages `engageAfterMinutes` after the step `engagesOn`. */
  function run(engagesOn: Channel | undefined, expiresAt?: Date): { log: string[]; last: EscalationAction } {
    const steps: EscalationStep[] = [];
    const log: string[] = [];
    let now = start;
    for (let turn = 0; turn < 20; turn++) {
      const visible = steps.map((step) => (step.engagedAt && step.engagedAt <= now ? step : { channel: step.channel, sentAt: step.sentAt }));
      const action = nextEscalation({ channels, steps: visible, escalateAfterMs, now, ...(expiresAt ? { expiresAt } : {}) });
      if (action.kind === 'stop') return { log, last: action };
      if (action.kind === 'wait') {
        const engagement = steps.find((step) => step.engagedAt && step.engagedAt > now && step.engagedAt < action.until)?.engagedAt;
        now = engagement ?? action.until;
        continue;
      }
      log.push(`${(now.getTime() - start.getTime()) / MINUTE} min: ${action.channel}`);
      steps.push({ channel: action.channel, sentAt: now, ...(action.channel === engagesOn ? { engagedAt: new Date(now.getTime() + 12 * MINUTE) } : {}) });
    }
    throw new Error('the escalation did not stop');
  }

  it.each([
    ['in_app', ['0 min: in_app']],
    ['push', ['0 min: in_app', '30 min: push']],
    ['email', ['0 min: in_app', '30 min: push', '60 min: email']],
  ] as [Channel, string[]][])('stops when the customer engages on %s', (channel, log) => {
    expect(run(channel)).toEqual({ log, last: { kind: 'stop', cause: 'engaged', reason: `engaged on ${channel}` } });
  });

  it('goes through every channel when nobody engages', () => {
    expect(run(undefined)).toEqual({
      log: ['0 min: in_app', '30 min: push', '60 min: email'],
      last: { kind: 'stop', cause: 'no_channel_left', reason: 'no engagement on email within 30 min; no channel left' },
    });
  });

  it('stops at expiresAt, before the step that would have fallen due then', () => {
    expect(run(undefined, minutesLater(60))).toEqual({
      log: ['0 min: in_app', '30 min: push'],
      last: { kind: 'stop', cause: 'expired', reason: 'expired at 2026-11-23T11:00:00.000Z' },
    });
  });

  it('still stops at an engagement that comes before expiresAt', () => {
    expect(run('push', minutesLater(50))).toMatchObject({ log: ['0 min: in_app', '30 min: push'], last: { kind: 'stop', cause: 'engaged' } });
  });
});
