import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../functions/core/problem-bounds.js';
import { DAY_MS, MINUTE_MS } from '../../../functions/core/timing/local-time.js';
import { checkTimeRules, isAllowedAt, nextOpening, sendWindowSchema, type TimeRules } from '../../../functions/core/timing/windows.js';

const at = (iso: string) => new Date(iso);
const SEED = 20_261_124;

const night: TimeRules = { quietHours: { start: '22:00', end: '07:00' } };
const office: TimeRules = { sendWindow: { notBefore: '08:00', notAfter: '20:00' } };
const both: TimeRules = { ...night, ...office };

describe('checkTimeRules', () => {
  const cases: [string, string, string | undefined, TimeRules, string | undefined, string | undefined][] = [
    // [name, now, zone, rules, expected reason (undefined: allowed), expected opening]
    ['Tokyo 23:00, quiet hours crossing midnight', '2026-11-23T14:00:00Z', 'Asia/Tokyo', night, 'QUIET_HOURS', '2026-11-23T22:00:00.000Z'],
    ['Tokyo 06:59, a minute before quiet hours end', '2026-11-23T21:59:00Z', 'Asia/Tokyo', night, 'QUIET_HOURS', '2026-11-23T22:00:00.000Z'],
    ['Tokyo 07:00, quiet hours just ended', '2026-11-23T22:00:00Z', 'Asia/Tokyo', night, undefined, undefined],
    ['Tokyo 07:59, before the send window', '2026-11-23T22:59:00Z', 'Asia/Tokyo', office, 'SEND_WINDOW', '2026-11-23T23:00:00.000Z'],
    ['Tokyo 20:00, the window has closed (notAfter exclusive)', '2026-11-23T11:00:00Z', 'Asia/Tokyo', office, 'SEND_WINDOW', '2026-11-23T23:00:00.000Z'],
    ['Tokyo 19:59, still in the window', '2026-11-23T10:59:00Z', 'Asia/Tokyo', office, undefined, undefined],
    ['both rules: 23:00 opens when the later of them does, and names it', '2026-11-23T14:00:00Z', 'Asia/Tokyo', both, 'SEND_WINDOW', '2026-11-23T23:00:00.000Z'],
    [
      'a send window crossing midnight, after it',
      '2026-11-23T18:00:00Z',
      'Asia/Tokyo',
      { sendWindow: { notBefore: '20:00', notAfter: '02:00' } },
      'SEND_WINDOW',
      '2026-11-24T11:00:00.000Z',
    ],
    [
      'a send window crossing midnight, inside it after midnight',
      '2026-11-23T16:59:00Z',
      'Asia/Tokyo',
      { sendWindow: { notBefore: '20:00', notAfter: '02:00' } },
      undefined,
      undefined,
    ],
    ['Kolkata 07:30 (UTC+05:30)', '2026-11-23T02:00:00Z', 'Asia/Kolkata', { quietHours: { start: '21:00', end: '08:00' } }, 'QUIET_HOURS', '2026-11-23T02:30:00.000Z'],
    ['Kathmandu 08:45 (UTC+05:45)', '2026-11-23T03:00:00Z', 'Asia/Kathmandu', { sendWindow: { notBefore: '09:00', notAfter: '18:00' } }, 'SEND_WINDOW', '2026-11-23T03:15:00.000Z'],
    [
      'Adelaide 07:30 in summer (UTC+10:30)',
      '2026-11-22T21:00:00Z',
      'Australia/Adelaide',
      { quietHours: { start: '21:00', end: '08:00' } },
      'QUIET_HOURS',
      '2026-11-22T21:30:00.000Z',
    ],
    // Berlin springs forward at 01:00Z on 2026-03-29: 02:00 CET becomes 03:00 CEST.
    ['Berlin spring-forward night: 07:00 CEST', '2026-03-29T00:00:00Z', 'Europe/Berlin', night, 'QUIET_HOURS', '2026-03-29T05:00:00.000Z'],
    [
      'Berlin spring-forward night: an end skipped by the gap opens at the gap',
      '2026-03-29T00:30:00Z',
      'Europe/Berlin',
      { quietHours: { start: '01:00', end: '02:30' } },
      'QUIET_HOURS',
      '2026-03-29T01:00:00.000Z',
    ],
    // Berlin falls back at 01:00Z on 2026-10-25: 03:00 CEST becomes 02:00 CET.
    [
      'Berlin fall-back night: 02:30 CEST, the first time',
      '2026-10-24T23:00:00Z',
      'Europe/Berlin',
      { quietHours: { start: '22:00', end: '02:30' } },
      'QUIET_HOURS',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'Berlin fall-back night: quiet again in the repeated hour, until 02:45 CET',
      '2026-10-25T01:20:00Z',
      'Europe/Berlin',
      { quietHours: { start: '02:15', end: '02:45' } },
      'QUIET_HOURS',
      '2026-10-25T01:45:00.000Z',
    ],
    [
      'Berlin fall-back night: the clock going back out of quiet hours opens them',
      '2026-10-25T00:45:00Z',
      'Europe/Berlin',
      { quietHours: { start: '02:30', end: '07:00' } },
      'QUIET_HOURS',
      '2026-10-25T01:00:00.000Z',
    ],
    // New York springs forward at 07:00Z on 2026-03-08 and falls back at 06:00Z on 2026-11-01.
    [
      'New York spring-forward night: an end skipped by the gap',
      '2026-03-08T06:30:00Z',
      'America/New_York',
      { quietHours: { start: '22:00', end: '02:30' } },
      'QUIET_HOURS',
      '2026-03-08T07:00:00.000Z',
    ],
    ['New York spring-forward day: the window opens at 08:00 EDT', '2026-03-08T06:00:00Z', 'America/New_York', office, 'SEND_WINDOW', '2026-03-08T12:00:00.000Z'],
    [
      'New York fall-back night: the clock going back to 01:00 EST opens them',
      '2026-11-01T05:45:00Z',
      'America/New_York',
      { quietHours: { start: '01:30', end: '06:00' } },
      'QUIET_HOURS',
      '2026-11-01T06:00:00.000Z',
    ],
    ['New York fall-back day: the window opens at 08:00 EST', '2026-11-01T05:00:00Z', 'America/New_York', office, 'SEND_WINDOW', '2026-11-01T13:00:00.000Z'],
    ['an unknown zone is read as UTC', '2026-11-23T23:00:00Z', 'Mars/Olympus_Mons', night, 'QUIET_HOURS', '2026-11-24T07:00:00.000Z'],
  ];

  it.each(cases)('%s', (_name, now, zone, rules, reason, opensAt) => {
    const verdict = checkTimeRules(at(now), zone, rules);
    if (reason === undefined) {
      expect(verdict).toEqual({ allowed: true });
      return;
    }
    expect(verdict).toMatchObject({ allowed: false, reason });
    expect(!verdict.allowed && verdict.opensAt?.toISOString()).toBe(opensAt);
  });

  it('says when the rules never open, naming the rule closed now', () => {
    const inside: TimeRules = { quietHours: { start: '20:00', end: '09:00' }, sendWindow: { notBefore: '21:00', notAfter: '08:00' } };
    expect(checkTimeRules(at('2026-11-23T14:00:00Z'), 'Asia/Tokyo', inside)).toEqual({
      allowed: false,
      reason: 'QUIET_HOURS',
      opensAt: undefined,
      detail: 'quiet hours 20:00–09:00 in Asia/Tokyo',
    });
    expect(nextOpening(at('2026-11-23T14:00:00Z'), 'Asia/Tokyo', inside)).toBeUndefined();
  });

  it('describes the rule and says when the zone fell back', () => {
    expect(checkTimeRules(at('2026-11-23T14:00:00Z'), 'Asia/Tokyo', both)).toMatchObject({ detail: 'send window 08:00–20:00 in Asia/Tokyo' });
    expect(checkTimeRules(at('2026-11-23T23:00:00Z'), undefined, night)).toMatchObject({ detail: 'quiet hours 22:00–07:00 in UTC (time zone missing or unknown)' });
  });

  it('allows everything without rules', () => {
    expect(checkTimeRules(at('2026-11-23T03:00:00Z'), 'Europe/Berlin', {})).toEqual({ allowed: true });
  });
});

describe('sendWindowSchema', () => {
  it('lists every problem', () => {
    const parsed = sendWindowSchema.safeParse({ notBefore: '8:00', notAfter: '25:00', until: '20:00' });
    expect(parsed.success).toBe(false);
    const problems = parsed.success ? [] : problemsOf(parsed.error);
    expect(problems.map((problem) => problem.path).sort()).toEqual(['', 'notAfter', 'notBefore']);
    expect(problems.find((problem) => problem.path === '')?.message).toContain('until');
  });

  it('refuses an empty window and accepts one crossing midnight', () => {
    expect(sendWindowSchema.safeParse({ notBefore: '08:00', notAfter: '08:00' }).success).toBe(false);
    expect(sendWindowSchema.safeParse({ notBefore: '20:00', notAfter: '02:00' }).success).toBe(true);
  });
});

describe('nextOpening, properties', () => {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Adelaide',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'America/St_Johns',
    'Asia/Tokyo',
    'UTC',
  ];
  const clock = fc
    .oneof(
      fc.integer({ min: 0, max: 47 }).map((half) => half * 30),
      fc.integer({ min: 0, max: 1439 }),
    )
    .map((minutes) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`);
  const quietHours = fc.record({ start: clock, end: clock });
  const sendWindow = fc.record({ notBefore: clock, notAfter: clock }).filter((window) => window.notBefore !== window.notAfter);
  const rules = fc.record({ quietHours: fc.option(quietHours, { nil: undefined }), sendWindow: fc.option(sendWindow, { nil: undefined }) }).map(withoutUndefined);
  // Half of the instants fall in the weeks around 2026's changes of offset, in either hemisphere.
  const nearChanges = fc.oneof(
    fc.integer({ min: Date.parse('2026-03-06T00:00:00Z'), max: Date.parse('2026-04-07T00:00:00Z') }),
    fc.integer({ min: Date.parse('2026-09-25T00:00:00Z'), max: Date.parse('2026-11-03T00:00:00Z') }),
  );
  const instants = fc.oneof(nearChanges, fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') })).map((ms) => new Date(ms));

  test.prop([instants, fc.constantFrom(...zones), rules, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 })], { seed: SEED, numRuns: 250 })(
    'is at or after now and allowed, and nothing sampled before it is',
    (now, zone, timeRules, samples) => {
      const opening = nextOpening(now, zone, timeRules);
      if (opening === undefined) {
        for (const fraction of samples) expect(isAllowedAt(new Date(now.getTime() + fraction * 2 * DAY_MS), zone, timeRules)).toBe(false);
        return;
      }
      expect(opening.getTime()).toBeGreaterThanOrEqual(now.getTime());
      expect(isAllowedAt(opening, zone, timeRules)).toBe(true);
      const span = opening.getTime() - now.getTime();
      if (span === 0) return;
      const before = [now.getTime(), opening.getTime() - 1, ...samples.map((fraction) => now.getTime() + Math.floor(fraction * span))];
      for (const instant of before) expect(isAllowedAt(new Date(Math.min(instant, opening.getTime() - 1)), zone, timeRules)).toBe(false);
    },
  );

  test.prop([instants, fc.constantFrom(...zones), rules], { seed: SEED, numRuns: 60 })(
    'equals the first allowed minute found by walking minute by minute',
    (now, zone, timeRules) => {
      expect(nextOpening(now, zone, timeRules)?.toISOString()).toBe(walkToOpening(now, zone, timeRules)?.toISOString());
    },
  );
});

/** Every zone used has whole-minute offsets, so the wall clock turns its minutes when UTC does. */
function walkToOpening(now: Date, zone: string, rules: TimeRules): Date | undefined {
  if (isAllowedAt(now, zone, rules)) return now;
  const firstMinute = Math.ceil(now.getTime() / MINUTE_MS) * MINUTE_MS;
  for (let instant = firstMinute; instant <= now.getTime() + 3 * DAY_MS; instant += MINUTE_MS) {
    if (isAllowedAt(new Date(instant), zone, rules)) return new Date(instant);
  }
  return undefined;
}

function withoutUndefined(rules: { quietHours: TimeRules['quietHours']; sendWindow: TimeRules['sendWindow'] }): TimeRules {
  return { ...(rules.quietHours ? { quietHours: rules.quietHours } : {}), ...(rules.sendWindow ? { sendWindow: rules.sendWindow } : {}) };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
