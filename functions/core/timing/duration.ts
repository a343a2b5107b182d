import * as z from 'zod';
import { DAY_MS, MINUTE_MS } from './local-time.js';

const SECOND_MS = 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** Shorter than a minute nobody has had a chance to react; longer than a week the moment has passed. */
export const MIN_DURATION_MS = MINUTE_MS;
export const MAX_DURATION_MS = 7 * DAY_MS;

/** Days, then a `T` and hours, minutes, seconds, each a whole number; years, months and weeks are left out, as their length varies or is rarely meant. */
const DURATION = /^P(?:(\d{1,9})D)?(?:T(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?)?$/;

/**
 * An ISO 8601 duration such as `PT30M`, `PT1H30M` or `P1D`, parsed to milliseconds and held to
 * [1 minute, 7 days].
 */
export const durationSchema = z
  .string({ error: 'must be an ISO 8601 duration such as PT30M' })
  .max(40, 'must be an ISO 8601 duration such as PT30M')
  .transform((text, ctx) => {
    const ms = durationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 duration in days, hours, minutes and seconds, such as PT30M or P1DT12H' });
    } else if (ms < MIN_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `must be at least 1 minute, got ${describeDuration(ms)}` });
    } else if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 7 days (P7D)' });
    } else {
      return ms;
    }
    return z.NEVER;
  });

/**
 * The same rule, keeping the text: contracts that are stored and read again (a request, a
 * template manifest) must parse to a value that parses again.
 */
export const durationTextSchema = z.string().superRefine((text, ctx) => {
  const parsed = durationSchema.safeParse(text);
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
});

/** Milliseconds of a duration `durationTextSchema` accepted. */
export function durationToMs(text: string): number {
  const parsed = durationSchema.safeParse(text);
  if (!parsed.success) throw new RangeError(`not a duration of 1 minute to 7 days: ${text}`);
  return parsed.data;
}

/** `30 min`, `1 h 30 min`, `2 d`: short enough for a reason line. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [DAY_MS, 'd'],
    [HOUR_MS, 'h'],
    [MINUTE_MS, 'min'],
    [SECOND_MS, 's'],
  ];
  let rest = Math.max(0, Math.round(ms / SECOND_MS) * SECOND_MS);
  const parts: string[] = [];
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  // An optional group that did not take part is undefined, which the type of an exec() result leaves out.
  const groups: (string | undefined)[] = match.slice(1);
  if (groups.every((part) => part === undefined)) return undefined;
  const [days, hours, minutes, seconds] = groups.map((part) => Number(part ?? 0));
  return (days ?? 0) * DAY_MS + (hours ?? 0) * HOUR_MS + (minutes ?? 0) * MINUTE_MS + (seconds ?? 0) * SECOND_MS;
}
