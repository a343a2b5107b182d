import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  clockTimeSchema,
  DAY_MS,
  describeLocalInstant,
  instantAtLocalTime,
  localDateTime,
  nextLocalTime,
  offsetChanges,
  resolveLocalTime,
  utcOffsetMs,
} from '../../../functions/core/timing/local-time.js';

const at = (iso: string) => new Date(iso);
const minute = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
const SEED = 20_261_124;

describe('nextLocalTime', () => {
  const cases: [string, string, string, string, string][] = [
    ['Berlin in winter, later today', '2026-11-23T10:00:00Z', 'Europe/Berlin', '12:00', '2026-11-23T11:00:00.000Z'],
    ['Berlin in winter, already past today', '2026-11-23T10:00:00Z', 'Europe/Berlin', '09:00', '2026-11-24T08:00:00.000Z'],
    ['exactly now counts as the next occurrence', '2026-11-23T11:00:00Z', 'Europe/Berlin', '12:00', '2026-11-23T11:00:00.000Z'],
    ['a second after it is tomorrow', '2026-11-23T11:00:01Z', 'Europe/Berlin', '12:00', '2026-11-24T11:00:00.000Z'],
    ['midnight from late evening', '2026-11-23T22:59:00Z', 'Europe/Berlin', '00:00', '2026-11-23T23:00:00.000Z'],
    // Spring forward in Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST (01:00Z).
    ['Berlin spring-forward day, a skipped time: the end of the gap', '2026-03-28T23:00:00Z', 'Europe/Berlin', '02:30', '2026-03-29T01:00:00.000Z'],
    ['Berlin spring-forward day, the first time after the gap', '2026-03-28T23:00:00Z', 'Europe/Berlin', '03:00', '2026-03-29T01:00:00.000Z'],
    ['Berlin spring-forward day, 09:00 is already summer time', '2026-03-28T23:00:00Z', 'Europe/Berlin', '09:00', '2026-03-29T07:00:00.000Z'],
    ['Berlin the day before, 09:00 is still winter time', '2026-03-27T23:00:00Z', 'Europe/Berlin', '09:00', '2026-03-28T08:00:00.000Z'],
    // Fall back in Berlin: 2026-10-25 03:00 CEST becomes 02:00 CET (01:00Z); 02:00–02:59 happens twice.
    ['Berlin fall-back day, a repeated time: the earlier instant', '2026-10-24T22:00:00Z', 'Europe/Berlin', '02:30', '2026-10-25T00:30:00.000Z'],
    ['Berlin fall-back day, after the first 02:30 the next is tomorrow', '2026-10-25T00:45:00Z', 'Europe/Berlin', '02:30', '2026-10-26T01:30:00.000Z'],
    ['Berlin fall-back day, 09:00 is winter time', '2026-10-24T22:00:00Z', 'Europe/Berlin', '09:00', '2026-10-25T08:00:00.000Z'],
    // New York: 2026-03-08 02:00 EST becomes 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT becomes 01:00 EST (06:00Z).
    ['New York spring-forward day, a skipped time', '2026-03-08T05:00:00Z', 'America/New_York', '02:30', '2026-03-08T07:00:00.000Z'],
    ['New York spring-forward day, 09:00 EDT', '2026-03-08T05:00:00Z', 'America/New_York', '09:00', '2026-03-08T13:00:00.000Z'],
    ['New York the day before, 09:00 EST', '2026-03-07T05:00:00Z', 'America/New_York', '09:00', '2026-03-07T14:00:00.000Z'],
    ['New York fall-back day, a repeated time: the EDT instant', '2026-11-01T04:00:00Z', 'America/New_York', '01:30', '2026-11-01T05:30:00.000Z'],
    ['New York fall-back day, in the second 01:00 hour the next 01:30 is tomorrow', '2026-11-01T06:15:00Z', 'America/New_York', '01:30', '2026-11-02T06:30:00.000Z'],
    ['New York fall-back day, 09:00 EST', '2026-11-01T04:00:00Z', 'America/New_York', '09:00', '2026-11-01T14:00:00.000Z'],
    ['Kolkata, UTC+05:30', '2026-11-23T00:00:00Z', 'Asia/Kolkata', '09:00', '2026-11-23T03:30:00.000Z'],
    ['Kathmandu, UTC+05:45', '2026-11-23T00:00:00Z', 'Asia/Kathmandu', '06:00', '2026-11-23T00:15:00.000Z'],
    ['Adelaide in summer, UTC+10:30', '2026-11-23T00:00:00Z', 'Australia/Adelaide', '09:00', '2026-11-23T22:30:00.000Z'],
    ['Adelaide in winter, UTC+09:30', '2026-06-15T00:00:00Z', 'Australia/Adelaide', '09:00', '2026-06-15T23:30:00.000Z'],
    // Adelaide springs forward on 2026-10-04 at 02:00 ACST to 03:00 ACDT (16:30Z the day before).
    ['Adelaide spring-forward day, a skipped time', '2026-10-03T14:00:00Z', 'Australia/Adelaide', '02:15', '2026-10-03T16:30:00.000Z'],
    // Lord Howe moves its clocks by half an hour: 02:00 becomes 02:30 on 2026-10-04.
    ['Lord Howe, a half-hour gap', '2026-10-03T14:00:00Z', 'Australia/Lord_Howe', '02:15', '2026-10-03T15:30:00.000Z'],
    ['Samoa skipped 30 December 2011: the next 09:00 is on the 31st', '2011-12-29T20:00:00Z', 'Pacific/Apia', '09:00', '2011-12-30T19:00:00.000Z'],
  ];

  it.each(cases)('%s', (_name, now, zone, clock, expected) => {
    expect(nextLocalTime(at(now), zone, minute(clock)).toISOString()).toBe(expected);
  });

  it('refuses a minute outside the day and a zone Intl does not know', () => {
    expect(() => nextLocalTime(at('2026-11-23T00:00:00Z'), 'UTC', 1440)).toThrow(RangeError);
    expect(() => nextLocalTime(at('2026-11-23T00:00:00Z'), 'UTC', 7.5)).toThrow(RangeError);
    expect(() => nextLocalTime(at('2026-11-23T00:00:00Z'), 'Mars/Olympus_Mons', 60)).toThrow(RangeError);
  });

  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];
  const instants = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-12-31T00:00:00Z') }).map((ms) => new Date(ms));

  test.prop([instants, fc.constantFrom(...zones), fc.integer({ min: 0, max: 1439 })], { seed: SEED, numRuns: 300 })(
    'is at or after now, within a day and the size of a clock change, and shows the time unless a gap skipped it',
    (now, zone, minuteOfDay) => {
      const next = nextLocalTime(now, zone, minuteOfDay);
      expect(next.getTime()).toBeGreaterThanOrEqual(now.getTime());
      expect(next.getTime() - now.getTime()).toBeLessThan(DAY_MS + 2 * 3_600_000);
      const local = localDateTime(next, zone);
      const resolution = resolveLocalTime(local, minuteOfDay, zone);
      if (resolution.kind !== 'skipped') expect(local.hour * 60 + local.minute).toBe(minuteOfDay);
    },
  );
});

describe('resolveLocalTime and instantAtLocalTime', () => {
  it('tells a unique time, a repeated one and a skipped one apart', () => {
    expect(resolveLocalTime({ year: 2026, month: 11, day: 23 }, minute('09:00'), 'Europe/Berlin')).toEqual({ kind: 'unique', instant: at('2026-11-23T08:00:00Z') });
    expect(resolveLocalTime({ year: 2026, month: 10, day: 25 }, minute('02:30'), 'Europe/Berlin')).toEqual({
      kind: 'repeated',
      earlier: at('2026-10-25T00:30:00Z'),
      later: at('2026-10-25T01:30:00Z'),
    });
    expect(resolveLocalTime({ year: 2026, month: 3, day: 29 }, minute('02:30'), 'Europe/Berlin')).toEqual({ kind: 'skipped', resumesAt: at('2026-03-29T01:00:00Z') });
    expect(resolveLocalTime({ year: 2026, month: 4, day: 5 }, minute('01:45'), 'Australia/Lord_Howe')).toEqual({
      kind: 'repeated',
      earlier: at('2026-04-04T14:45:00Z'),
      later: at('2026-04-04T15:15:00Z'),
    });
  });

  it('takes the earlier instant of a repeated time and the end of the gap for a skipped one', () => {
    expect(instantAtLocalTime({ year: 2026, month: 11, day: 1 }, minute('01:30'), 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z'));
    expect(instantAtLocalTime({ year: 2026, month: 3, day: 8 }, minute('02:59'), 'America/New_York')).toEqual(at('2026-03-08T07:00:00Z'));
  });
});

describe('utcOffsetMs and offsetChanges', () => {
  it('reads half-hour and 45-minute offsets', () => {
    const november = at('2026-11-23T00:00:00Z');
    expect(utcOffsetMs(november, 'Asia/Kolkata') / 60_000).toBe(330);
    expect(utcOffsetMs(november, 'Asia/Kathmandu') / 60_000).toBe(345);
    expect(utcOffsetMs(november, 'Australia/Adelaide') / 60_000).toBe(630);
    expect(utcOffsetMs(november, 'America/St_Johns') / 60_000).toBe(-210);
  });

  it('finds each change of offset to the second, and none where there is none', () => {
    const year = [at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')] as const;
    expect(offsetChanges(...year, 'Europe/Berlin')).toEqual([at('2026-03-29T01:00:00Z'), at('2026-10-25T01:00:00Z')]);
    expect(offsetChanges(...year, 'America/New_York')).toEqual([at('2026-03-08T07:00:00Z'), at('2026-11-01T06:00:00Z')]);
    expect(offsetChanges(...year, 'Australia/Adelaide')).toEqual([at('2026-04-04T16:30:00Z'), at('2026-10-03T16:30:00Z')]);
    expect(offsetChanges(...year, 'Asia/Kolkata')).toEqual([]);
  });
});

describe('describeLocalInstant', () => {
  it('writes the local clock and zone, with the date when it is another day', () => {
    const now = at('2026-11-23T14:00:00Z');
    expect(describeLocalInstant(at('2026-11-23T14:30:00Z'), 'Asia/Tokyo', now)).toBe('23:30 Asia/Tokyo');
    expect(describeLocalInstant(at('2026-11-23T22:00:00Z'), 'Asia/Tokyo', now)).toBe('2026-11-24 07:00 Asia/Tokyo');
  });
});

describe('addDays and clockTimeSchema', () => {
  it('steps over month and leap-year ends by the calendar', () => {
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });

  it('accepts two-digit times of day only', () => {
    expect(['00:00', '09:05', '23:59'].map((text) => clockTimeSchema.safeParse(text).success)).toEqual([true, true, true]);
    expect(['9:05', '24:00', '12:60', '12:00:00', ' 12:00'].map((text) => clockTimeSchema.safeParse(text).success)).toEqual([false, false, false, false, false]);
  });
});
