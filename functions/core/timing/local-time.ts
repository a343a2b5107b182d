import * as z from 'zod';

/**
 * Wall-clock arithmetic over IANA zones with nothing but Intl.DateTimeFormat. Every function here
 * takes a zone that Intl knows and throws RangeError otherwise; callers pick a fallback first
 * (`resolveTimeZone` in ../quiet-hours.ts falls back to UTC).
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 24 * 60;

/** Offsets change a few times a year at most; sampling this often cannot step over two changes. */
const OFFSET_SAMPLE_MS = 3 * 60 * MINUTE_MS;

/** A wall-clock time of day, two digits each: the form templates and requests write. */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM, from 00:00 to 23:59');

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

/**
 * How one local date and time maps to instants: usually one; two in the hour a fall-back repeats;
 * none in the hour a spring-forward skips, where `resumesAt` is the first instant after the gap.
 */
export type LocalResolution = { kind: 'unique'; instant: Date } | { kind: 'repeated'; earlier: Date; later: Date } | { kind: 'skipped'; resumesAt: Date };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The date and time the wall clocks of `zone` show at `instant` (seconds truncated, hours 0–23). */
export function localDateTime(instant: Date, zone: string): LocalDateTime {
  const parts = formatterFor(zone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds (negative west of Greenwich). */
export function utcOffsetMs(instant: Date, zone: string): number {
  const wholeSecond = Math.floor(instant.getTime() / 1000) * 1000;
  return wallClockMs(localDateTime(instant, zone)) - wholeSecond;
}

/** The local date `days` after `date` (negative: before), by the calendar, not by elapsed time. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(wallClockMs({ ...date, hour: 0, minute: 0, second: 0 }) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export function sameLocalDate(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** Every instant at which the wall clocks of `zone` read `date` at `minuteOfDay`:00. */
export function resolveLocalTime(date: LocalDate, minuteOfDay: number, zone: string): LocalResolution {
  const wall = wallClockMs({ ...date, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0 });
  // Reading the wall time as if it were UTC lands within a day of the real instants, so the
  // offsets a day either side are those in force before and after any change nearby.
  const offsets = [...new Set([-DAY_MS, 0, DAY_MS].map((shift) => utcOffsetMs(new Date(wall + shift), zone)))];
  const matches = offsets
    .map((offset) => wall - offset)
    .filter((candidate) => utcOffsetMs(new Date(candidate), zone) === wall - candidate)
    .sort((a, b) => a - b);
  const [first, second] = matches;
  if (first !== undefined && second !== undefined) return { kind: 'repeated', earlier: new Date(first), later: new Date(second) };
  if (first !== undefined) return { kind: 'unique', instant: new Date(first) };
  const byOffset = offsets.map((offset) => wall - offset);
  return { kind: 'skipped', resumesAt: offsetChangeWithin(Math.min(...byOffset), Math.max(...byOffset), zone) };
}

/**
 * The one instant a local date and time stands for. A time that a spring-forward skips maps to
 * the first instant after the gap (02:30 on Berlin's change day is 03:00 CEST): the moment the
 * clock first shows a time not before the one asked for. A time that a fall-back repeats maps to
 * the earlier of its two instants (01:30 on New York's change day is 01:30 EDT): the first time
 * the clock shows it, so nothing that waits for it waits an extra hour.
 */
export function instantAtLocalTime(date: LocalDate, minuteOfDay: number, zone: string): Date {
  const resolution = resolveLocalTime(date, minuteOfDay, zone);
  if (resolution.kind === 'unique') return resolution.instant;
  if (resolution.kind === 'repeated') return resolution.earlier;
  return resolution.resumesAt;
}

/**
 * The first instant at or after `now` that stands for `minuteOfDay` on some local day, by the
 * rule of `instantAtLocalTime`: each local day has exactly one such instant, so on a fall-back
 * day a time already passed once is not taken again an hour later. A day a zone skipped entirely
 * (Samoa's 30 December 2011) has no instant and is passed over.
 */
export function nextLocalTime(now: Date, zone: string, minuteOfDay: number): Date {
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay >= MINUTES_PER_DAY) {
    throw new RangeError(`minute of day must be an integer from 0 to ${MINUTES_PER_DAY - 1}, got ${minuteOfDay}`);
  }
  const today = localDateTime(now, zone);
  // Today's may have passed and tomorrow may be a skipped day; the day after always has one.
  for (let days = 0; days < 3; days++) {
    const date = addDays(today, days);
    const instant = instantAtLocalTime(date, minuteOfDay, zone);
    if (instant.getTime() >= now.getTime() && dateExists(date, instant, zone)) return instant;
  }
  return instantAtLocalTime(addDays(today, 3), minuteOfDay, zone);
}

/**
 * Instants in (from, to] at which the zone's offset from UTC changes, each the first instant of
 * the new offset, to the second.
 */
export function offsetChanges(from: Date, to: Date, zone: string): Date[] {
  const changes: Date[] = [];
  let previous = from.getTime();
  let previousOffset = utcOffsetMs(from, zone);
  while (previous < to.getTime()) {
    const next = Math.min(previous + OFFSET_SAMPLE_MS, to.getTime());
    const nextOffset = utcOffsetMs(new Date(next), zone);
    if (nextOffset !== previousOffset) changes.push(offsetChangeWithin(previous, next, zone));
    previous = next;
    previousOffset = nextOffset;
  }
  return changes;
}

/** `07:00 Asia/Tokyo`, with the local date in front when it is not the local date of `now`. */
export function describeLocalInstant(instant: Date, zone: string, now: Date): string {
  const local = localDateTime(instant, zone);
  const clock = `${pad(local.hour)}:${pad(local.minute)}`;
  const date = sameLocalDate(local, localDateTime(now, zone)) ? '' : `${local.year}-${pad(local.month)}-${pad(local.day)} `;
  return `${date}${clock} ${zone}`;
}

/** Whether any instant shows `date`: `instant` itself, or the second before it when it ends a gap. */
function dateExists(date: LocalDate, instant: Date, zone: string): boolean {
  return sameLocalDate(localDateTime(instant, zone), date) || sameLocalDate(localDateTime(new Date(instant.getTime() - 1000), zone), date);
}

/** The first whole second in (lo, hi] whose offset differs from lo's; `hi` when none does. */
function offsetChangeWithin(lo: number, hi: number, zone: string): Date {
  const before = utcOffsetMs(new Date(lo), zone);
  let low = Math.floor(lo / 1000);
  let high = Math.ceil(hi / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (utcOffsetMs(new Date(middle * 1000), zone) === before) low = middle;
    else high = middle;
  }
  return new Date(Math.max(high * 1000, lo));
}

/** The wall-clock reading as milliseconds of a UTC clock showing the same; years below 100 included. */
function wallClockMs(local: LocalDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, 0);
  return date.getTime();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formatters are costly to build and a batch sees few zones, so they are kept per zone. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  const cached = formatters.get(zone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  formatters.set(zone, formatter);
  return formatter;
}
