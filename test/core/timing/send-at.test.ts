import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../functions/core/problem-bounds.js';
import { resolveSendAt, sendAtSchema } from '../../../functions/core/timing/send-at.js';

const at = (iso: string) => new Date(iso);
const now = at('2026-11-23T10:00:00Z');

describe('sendAtSchema', () => {
  it('accepts an instant with an offset and a local time', () => {
    expect(sendAtSchema.parse('2026-11-24T18:00:00Z')).toBe('2026-11-24T18:00:00Z');
    expect(sendAtSchema.parse('2026-11-24T18:00:00.250+05:30')).toBe('2026-11-24T18:00:00.250+05:30');
    expect(sendAtSchema.parse({ localTime: '09:00' })).toEqual({ localTime: '09:00' });
  });

  it.each([
    ['a date-time without an offset', '2026-11-24T18:00:00'],
    ['a date alone', '2026-11-24'],
    ['a number', 1_700_000_000_000],
    ['an empty object', {}],
    ['null', null],
  ])('refuses %s, naming both accepted forms', (_name, value) => {
    const parsed = sendAtSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.success ? [] : problemsOf(parsed.error)).toEqual([
      { path: '', message: 'must be an ISO 8601 date-time with an offset (2026-11-24T18:00:00Z) or { "localTime": "HH:MM" }' },
    ]);
  });

  it('lists every problem of a local time', () => {
    const parsed = sendAtSchema.safeParse({ localTime: '9am', timeZone: 'Europe/Berlin' });
    expect(parsed.success ? [] : problemsOf(parsed.error)).toEqual([
      { path: 'localTime', message: 'must be a time of day HH:MM, from 00:00 to 23:59' },
      { path: '', message: 'unknown field(s): timeZone' },
    ]);
  });
});

describe('resolveSendAt', () => {
  it('keeps an absolute instant ahead, whatever offset it was written with', () => {
    expect(resolveSendAt('2026-11-24T18:00:00+05:30', now, 'Europe/Berlin')).toEqual(at('2026-11-24T12:30:00Z'));
  });

  it('reads an absolute instant already past as now', () => {
    expect(resolveSendAt('2026-11-23T09:59:59Z', now, 'Europe/Berlin')).toEqual(now);
  });

  it.each([
    ['later today in Berlin', '12:00', 'Europe/Berlin', '2026-11-23T11:00:00.000Z'],
    ['already past today in Berlin: tomorrow', '09:00', 'Europe/Berlin', '2026-11-24T08:00:00.000Z'],
    ['Tokyo, where it is 19:00', '09:00', 'Asia/Tokyo', '2026-11-24T00:00:00.000Z'],
    ['Kathmandu (UTC+05:45)', '16:00', 'Asia/Kathmandu', '2026-11-23T10:15:00.000Z'],
    ['a missing zone is UTC', '10:30', undefined, '2026-11-23T10:30:00.000Z'],
    ['an unknown zone is UTC', '10:30', 'Mars/Olympus_Mons', '2026-11-23T10:30:00.000Z'],
  ])('a local time: %s', (_name, localTime, zone, expected) => {
    expect(resolveSendAt({ localTime }, now, zone).toISOString()).toBe(expected);
  });

  it('maps a local time skipped by spring-forward to the end of the gap', () => {
    expect(resolveSendAt({ localTime: '02:30' }, at('2026-03-28T22:00:00Z'), 'Europe/Berlin')).toEqual(at('2026-03-29T01:00:00Z'));
  });
});
