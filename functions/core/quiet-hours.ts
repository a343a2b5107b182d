import type { QuietHours } from './model.js';

const FALLBACK_TIME_ZONE = 'UTC';
const MINUTES_PER_DAY = 24 * 60;
const CLOCK_TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The IANA zone to use for a customer. A missing or unknown zone falls back to UTC: the window
 * still applies somewhere plausible instead of being skipped, and the caller can say so.
 */
export function resolveTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return FALLBACK_TIME_ZONE;
  return formatterFor(timeZone) ? timeZone : FALLBACK_TIME_ZONE;
}

/** `HH:MM` (or `H:MM`) as minutes after midnight; undefined when malformed. */
export function parseClockTime(value: string): number | undefined {
  const match = CLOCK_TIME.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isValidQuietHours(window: QuietHours | undefined): window is QuietHours {
  return window !== undefined && parseClockTime(window.start) !== undefined && parseClockTime(window.end) !== undefined;
}

/**
 * Whether `now`, read on the wall clock of `timeZone`, falls in the window: start inclusive, end
 * exclusive. A window whose end is before its start crosses midnight (22:00–07:30); one whose
 * start equals its end is empty. Throws on a malformed window, because silently answering "not
 * quiet" would wake people up: callers validate with `isValidQuietHours` and pick a fallback.
 */
export function isWithinQuietHours(now: Date, timeZone: string | undefined, window: QuietHours): boolean {
  const start = parseClockTime(window.start);
  const end = parseClockTime(window.end);
  if (start === undefined || end === undefined) {
    throw new RangeError(`quiet hours must be HH:MM, got ${window.start}–${window.end}`);
  }
  const minute = localMinuteOfDay(now, resolveTimeZone(timeZone));
  if (start === end) return false;
  if (start < end) return minute >= start && minute < end;
  return minute >= start || minute < end;
}

function localMinuteOfDay(now: Date, timeZone: string): number {
  const parts = (formatterFor(timeZone) as Intl.DateTimeFormat).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return (hour * 60 + minute) % MINUTES_PER_DAY;
}

/** Formatters are costly to build and a batch sees few zones, so they are kept per zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}
