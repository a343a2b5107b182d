import * as z from 'zod';
import { parseClockTime, resolveTimeZone } from '../quiet-hours.js';
import { clockTimeSchema, nextLocalTime } from './local-time.js';

const SEND_AT_FORMS = 'must be an ISO 8601 date-time with an offset (2026-11-24T18:00:00Z) or { "localTime": "HH:MM" }';

/**
 * When a request asks to be sent: an absolute instant, or a time of day on the customer's own
 * wall clock. A date-time without an offset is refused: whose 09:00 it means would be a guess.
 */
export const sendAtSchema = z.union([z.iso.datetime({ offset: true, message: SEND_AT_FORMS }), z.strictObject({ localTime: clockTimeSchema })], { error: SEND_AT_FORMS });
export type SendAt = z.output<typeof sendAtSchema>;

/**
 * The instant a `sendAt` stands for. An absolute instant already past means "now": the request
 * was late, not wrong. A local time is its next occurrence at or after `now` in the customer's
 * zone (an unknown or missing zone is read as UTC, as quiet hours are), by the rule of
 * `nextLocalTime`: a time skipped by a spring-forward is the end of the gap, a repeated one the
 * first of the two.
 */
export function resolveSendAt(sendAt: SendAt, now: Date, timeZone: string | undefined): Date {
  if (typeof sendAt === 'string') return new Date(Math.max(Date.parse(sendAt), now.getTime()));
  const minute = parseClockTime(sendAt.localTime);
  if (minute === undefined) throw new RangeError(`localTime must be HH:MM, got ${sendAt.localTime}`);
  return nextLocalTime(now, resolveTimeZone(timeZone), minute);
}
