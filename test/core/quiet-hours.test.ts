import { describe, expect, it } from 'vitest';
import type { QuietHours } from '../../functions/core/model.js';
import { isValidQuietHours, isWithinQuietHours, parseClockTime, resolveTimeZone } from '../../functions/core/quiet-hours.js';

const night: QuietHours = { start: '22:00', end: '07:30' };
const defaultWindow: QuietHours = { start: '21:00', end: '08:00' };
const siesta: QuietHours = { start: '13:00', end: '15:00' };

describe('isWithinQuietHours', () => {
  const cases: [string, string, string | undefined, QuietHours, boolean][] = [
    ['Berlin, at the start of a window crossing midnight', '2026-11-23T21:00:00Z', 'Europe/Berlin', night, true],
    ['Berlin, a minute before the start', '2026-11-23T20:59:00Z', 'Europe/Berlin', night, false],
    ['Berlin, at local midnight', '2026-11-23T23:00:00Z', 'Europe/Berlin', night, true],
    ['Berlin, a minute before the end', '2026-11-24T06:29:00Z', 'Europe/Berlin', night, true],
    ['Berlin, at the end (exclusive)', '2026-11-24T06:30:00Z', 'Europe/Berlin', night, false],
    ['Berlin, late afternoon', '2026-11-23T16:00:00Z', 'Europe/Berlin', defaultWindow, false],
    ['Tokyo, 01:00 at the same instant', '2026-11-23T16:00:00Z', 'Asia/Tokyo', defaultWindow, true],
    ['Los Angeles, 08:00 at the same instant (end exclusive)', '2026-11-23T16:00:00Z', 'America/Los_Angeles', defaultWindow, false],
    ['Los Angeles, 07:59', '2026-11-23T15:59:00Z', 'America/Los_Angeles', defaultWindow, true],
    ['Kolkata (half-hour offset), 07:30', '2026-11-23T02:00:00Z', 'Asia/Kolkata', defaultWindow, true],
    ['Kolkata (half-hour offset), 08:00', '2026-11-23T02:30:00Z', 'Asia/Kolkata', defaultWindow, false],
    ['a daytime window, at its start', '2026-11-23T12:00:00Z', 'Europe/Berlin', siesta, true],
    ['a daytime window, before it', '2026-11-23T11:59:00Z', 'Europe/Berlin', siesta, false],
    ['a daytime window, at its end (exclusive)', '2026-11-23T14:00:00Z', 'Europe/Berlin', siesta, false],
    ['a daytime window, in the evening', '2026-11-23T21:00:00Z', 'Europe/Berlin', siesta, false],
    ['an empty window (start equals end)', '2026-11-23T22:00:00Z', 'Europe/Berlin', { start: '22:00', end: '22:00' }, false],
    ['a missing zone, read as UTC', '2026-11-23T21:30:00Z', undefined, defaultWindow, true],
    // 20:30 UTC is 21:30 in Berlin: an unknown zone must not be guessed as anything but UTC.
    ['an unknown zone, read as UTC', '2026-11-23T20:30:00Z', 'Mars/Olympus_Mons', defaultWindow, false],
  ];

  it.each(cases)('%s', (_name, instant, zone, window, expected) => {
    expect(isWithinQuietHours(new Date(instant), zone, window)).toBe(expected);
  });

  describe('across daylight-saving changes', () => {
    it('Berlin: 06:30 UTC is 07:30 (quiet) the day before spring-forward and 08:30 (awake) on the day', () => {
      expect(isWithinQuietHours(new Date('2026-03-28T06:30:00Z'), 'Europe/Berlin', defaultWindow)).toBe(true);
      expect(isWithinQuietHours(new Date('2026-03-29T06:30:00Z'), 'Europe/Berlin', defaultWindow)).toBe(false);
      expect(isWithinQuietHours(new Date('2026-03-29T05:59:00Z'), 'Europe/Berlin', defaultWindow)).toBe(true);
    });

    it('Los Angeles: 15:30 UTC is 08:30 (awake) the day before fall-back and 07:30 (quiet) on the day', () => {
      expect(isWithinQuietHours(new Date('2026-10-31T15:30:00Z'), 'America/Los_Angeles', defaultWindow)).toBe(false);
      expect(isWithinQuietHours(new Date('2026-11-01T15:30:00Z'), 'America/Los_Angeles', defaultWindow)).toBe(true);
    });
  });

  it('refuses a malformed window rather than guessing', () => {
    expect(() => isWithinQuietHours(new Date('2026-11-23T12:00:00Z'), 'UTC', { start: '25:00', end: '07:00' })).toThrow(RangeError);
  });
});

describe('parseClockTime', () => {
  it.each([
    ['00:00', 0],
    ['07:30', 450],
    ['7:30', 450],
    ['23:59', 1439],
    ['24:00', undefined],
    ['12:60', undefined],
    ['noon', undefined],
    ['', undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseClockTime(value)).toBe(expected);
  });
});

describe('isValidQuietHours', () => {
  it('accepts two clock times and rejects anything else', () => {
    expect(isValidQuietHours(night)).toBe(true);
    expect(isValidQuietHours(undefined)).toBe(false);
    expect(isValidQuietHours({ start: '22:00', end: 'late' })).toBe(false);
  });
});

describe('resolveTimeZone', () => {
  it('keeps a known IANA zone and falls back to UTC otherwise', () => {
    expect(resolveTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(resolveTimeZone(undefined)).toBe('UTC');
    expect(resolveTimeZone('')).toBe('UTC');
    expect(resolveTimeZone('Mars/Olympus_Mons')).toBe('UTC');
  });
});
