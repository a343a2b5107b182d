import * as z from 'zod';
import type { QuietHours } from '../model.js';
import { isWithinQuietHours, parseClockTime, resolveTimeZone } from '../quiet-hours.js';
import { clockTimeSchema, DAY_MS, MINUTE_MS, offsetChanges, utcOffsetMs } from './local-time.js';

/**
 * A template's send window in the customer's local time: from `notBefore` (inclusive) to
 * `notAfter` (exclusive), the same half-open rule as quiet hours, so quiet hours 20:00–08:00 and
 * a send window 08:00–20:00 allow exactly the same minutes. A window whose `notAfter` is earlier
 * than its `notBefore` crosses midnight (20:00–02:00).
 */
export const sendWindowSchema = z
  .strictObject({ notBefore: clockTimeSchema, notAfter: clockTimeSchema })
  .refine((window) => window.notBefore !== window.notAfter, { message: 'notBefore and notAfter must differ: an empty window never opens', path: ['notAfter'] });
export type SendWindow = z.output<typeof sendWindowSchema>;

export const TIME_BLOCKS = ['QUIET_HOURS', 'SEND_WINDOW'] as const;
export type TimeBlock = (typeof TIME_BLOCKS)[number];

/** What limits the hours a message may go out at; either, both or neither. Quiet hours are validated by the caller (`isValidQuietHours`). */
export interface TimeRules {
  quietHours?: QuietHours;
  sendWindow?: SendWindow;
}

/**
 * Whether the rules allow sending now, and if not which rule holds the message back and when the
 * rules next allow it. `opensAt` is absent when they never do (a send window lying wholly inside
 * quiet hours). `reason` is the rule still closed just before `opensAt`: the one worth naming.
 */
export type TimeVerdict = { allowed: true } | { allowed: false; reason: TimeBlock; opensAt: Date | undefined; detail: string };

/**
 * The rules repeat every local day, so a search this long finds any opening there is, even across
 * a change of offset; one that finds none means the rules never open.
 */
const SEARCH_HORIZON_MS = 3 * DAY_MS;

/**
 * `findOpening: false` skips the search for `opensAt` (left absent) when the caller only needs
 * to know whether, and why, the rules hold a message back now: the search costs far more.
 */
export function checkTimeRules(now: Date, timeZone: string | undefined, rules: TimeRules, options: { findOpening?: boolean } = {}): TimeVerdict {
  const zone = resolveTimeZone(timeZone);
  const blockedNow = blockAt(now, zone, rules);
  if (!blockedNow) return { allowed: true };
  if (options.findOpening === false) return { allowed: false, reason: blockedNow, opensAt: undefined, detail: describeBlock(blockedNow, rules, zone, timeZone) };
  const opensAt = nextOpening(now, zone, rules);
  const reason = (opensAt && blockAt(new Date(opensAt.getTime() - 1), zone, rules)) || blockedNow;
  return { allowed: false, reason, opensAt, detail: describeBlock(reason, rules, zone, timeZone) };
}

/** Whether the rules allow sending at `instant` in the zone (an unknown zone is read as UTC). */
export function isAllowedAt(instant: Date, timeZone: string | undefined, rules: TimeRules): boolean {
  return blockAt(instant, resolveTimeZone(timeZone), rules) === undefined;
}

/**
 * The earliest instant at or after `now` that the rules allow: `now` itself when they allow it,
 * undefined when they never open. Whether sending is allowed depends only on the minute the wall
 * clock shows, so it can only change when the clock reaches one of the rules' boundary minutes or
 * jumps at a change of offset. Those instants are the only candidates, checked in order.
 */
export function nextOpening(now: Date, timeZone: string | undefined, rules: TimeRules): Date | undefined {
  const zone = resolveTimeZone(timeZone);
  if (!blockAt(now, zone, rules)) return now;
  const boundaries = boundaryMinutes(rules);
  const end = now.getTime() + SEARCH_HORIZON_MS;
  const changes = offsetChanges(now, new Date(end), zone).map((change) => change.getTime());
  const segmentStarts = [now.getTime(), ...changes];
  for (const [index, start] of segmentStarts.entries()) {
    const stop = segmentStarts[index + 1] ?? end;
    const offset = utcOffsetMs(new Date(start), zone);
    const candidates = [start, ...boundaries.flatMap((minute) => instantsShowing(minute, offset, start, stop))].sort((a, b) => a - b);
    const opening = candidates.find((candidate) => !blockAt(new Date(candidate), zone, rules));
    if (opening !== undefined) return new Date(opening);
  }
  return undefined;
}

/** Quiet hours first: a customer's own wish outranks a template's preference. */
function blockAt(instant: Date, zone: string, rules: TimeRules): TimeBlock | undefined {
  if (rules.quietHours && isWithinQuietHours(instant, zone, rules.quietHours)) return 'QUIET_HOURS';
  // The window is the span quiet hours would be with the same ends: start inclusive, end exclusive, midnight crossed.
  if (rules.sendWindow && !isWithinQuietHours(instant, zone, { start: rules.sendWindow.notBefore, end: rules.sendWindow.notAfter })) return 'SEND_WINDOW';
  return undefined;
}

function boundaryMinutes(rules: TimeRules): number[] {
  const clocks = [rules.quietHours?.start, rules.quietHours?.end, rules.sendWindow?.notBefore, rules.sendWindow?.notAfter];
  const minutes = clocks.flatMap((clock) => (clock === undefined ? [] : [parseClockTime(clock)]));
  return [...new Set(minutes.filter((minute) => minute !== undefined))];
}

/** Instants in [start, stop) at which a clock `offset` ahead of UTC shows `minute`:00. */
function instantsShowing(minute: number, offset: number, start: number, stop: number): number[] {
  const instants: number[] = [];
  const untilFirst = (((minute * MINUTE_MS - offset - start) % DAY_MS) + DAY_MS) % DAY_MS;
  for (let instant = start + untilFirst; instant < stop; instant += DAY_MS) instants.push(instant);
  return instants;
}

function describeBlock(reason: TimeBlock, rules: TimeRules, zone: string, asked: string | undefined): string {
  const where = zone === asked ? zone : `${zone} (time zone missing or unknown)`;
  if (reason === 'QUIET_HOURS' && rules.quietHours) return `quiet hours ${rules.quietHours.start}–${rules.quietHours.end} in ${where}`;
  if (rules.sendWindow) return `send window ${rules.sendWindow.notBefore}–${rules.sendWindow.notAfter} in ${where}`;
  return where;
}
