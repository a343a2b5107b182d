import { describe, expect, it } from 'vitest';
import { describeDuration, durationSchema, MAX_DURATION_MS, MIN_DURATION_MS } from '../../../functions/core/timing/duration.js';

const FORM = 'must be an ISO 8601 duration in days, hours, minutes and seconds, such as PT30M or P1DT12H';

describe('durationSchema', () => {
  it.each([
    ['PT30M', 30 * 60_000],
    ['PT1M', MIN_DURATION_MS],
    ['PT60S', 60_000],
    ['PT1H30M', 90 * 60_000],
    ['P1DT12H', 36 * 3_600_000],
    ['P7D', MAX_DURATION_MS],
    ['PT168H', MAX_DURATION_MS],
    ['PT0H5M0S', 5 * 60_000],
  ])('%s is %d ms', (text, ms) => {
    expect(durationSchema.parse(text)).toBe(ms);
  });

  it.each([
    ['P', FORM],
    ['PT', FORM],
    ['PT5', FORM],
    ['P1DT', FORM],
    ['pt30m', FORM],
    ['PT1.5H', FORM],
    ['P1W', FORM],
    ['P1M', FORM],
    ['-PT30M', FORM],
    ['30 minutes', FORM],
    ['PT59S', 'must be at least 1 minute, got 59 s'],
    ['PT0M', 'must be at least 1 minute, got 0 s'],
    ['P7DT1S', 'must be at most 7 days (P7D)'],
    ['PT999999999H', 'must be at most 7 days (P7D)'],
    ['P'.padEnd(41, '1'), 'must be an ISO 8601 duration such as PT30M'],
  ])('refuses %s', (text, message) => {
    const parsed = durationSchema.safeParse(text);
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it('refuses what is not text', () => {
    expect(durationSchema.safeParse(1800).success).toBe(false);
  });
});

describe('describeDuration', () => {
  it.each([
    [30 * 60_000, '30 min'],
    [90 * 60_000, '1 h 30 min'],
    [36 * 3_600_000, '1 d 12 h'],
    [61_000, '1 min 1 s'],
    [0, '0 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
