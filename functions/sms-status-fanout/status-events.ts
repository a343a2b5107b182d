import type { BusEntry } from '../core/events/ports.js';
import type { Problem } from '../core/model.js';
import { clipText } from '../core/problem-bounds.js';
import { DEFAULT_EVENT_BUS } from '../definitions/events.js';
import { SMS_STATUS_DETAIL_TYPE, SMS_STATUS_EVENT_SOURCE, type SmsStatusEventDetail } from '../definitions/sms-status.js';
import { decodeLogsEvent, isCloudWatchLogsEvent, type LogEntry, type LogsReading } from '../logs-payload/decode.js';

/** EventBridge refuses an entry above 256 KB, counting its time, source, detail-type and detail. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** The bytes EventBridge counts for an entry's `Time`. */
const TIME_BYTES = 14;

/** The entries to put, one per status record, and why the other log events were left out. */
export interface StatusEntries {
  entries: BusEntry[];
  skipped: Problem[];
}

/** A subscription delivery read into entries; anything else invoking the function is skipped, never thrown at. */
export function statusEntriesOf(event: unknown): StatusEntries {
  if (!isCloudWatchLogsEvent(event)) return { entries: [], skipped: [{ path: 'awslogs.data', message: 'not a CloudWatch Logs subscription payload' }] };
  return statusEntries(decodeLogsEvent(event));
}

/**
 * One entry per log event, on the default bus, timed when CloudWatch Logs received the record.
 * Whether a record is a well-formed SNS status is the feedback functions' call: here it only has
 * to be a JSON object, so that every stage reads the same records and judges them alike.
 */
export function statusEntries(reading: LogsReading): StatusEntries {
  const entries: BusEntry[] = [];
  const skipped: Problem[] = [...reading.problems];
  for (const logEvent of reading.entries) {
    const result = entryOf(logEvent, reading.logGroup);
    if (typeof result === 'string') skipped.push({ path: `logEvents.${logEvent.index}`, message: result });
    else entries.push(result);
  }
  return { entries, skipped };
}

/** The event's detail, or why the log event has none. */
export function statusDetailOf(logEvent: LogEntry, logGroup: string): SmsStatusEventDetail | string {
  const time = new Date(logEvent.timestamp);
  if (Number.isNaN(time.getTime())) return 'log event without a readable timestamp';
  const record = jsonObject(logEvent.message);
  if (!record) return 'log message is not a JSON object';
  return { record, loggedAt: logEvent.timestamp, logGroup, logEventId: logEvent.id };
}

function entryOf(logEvent: LogEntry, logGroup: string): BusEntry | string {
  const detail = statusDetailOf(logEvent, logGroup);
  if (typeof detail === 'string') return detail;
  let json: string;
  try {
    json = JSON.stringify(detail);
  } catch (error) {
    // A record nested deeper than the serialiser's stack reaches; SNS writes flat records.
    return clipText(`record cannot be written as JSON: ${(error as Error).message}`);
  }
  const bytes = TIME_BYTES + Buffer.byteLength(SMS_STATUS_EVENT_SOURCE) + Buffer.byteLength(SMS_STATUS_DETAIL_TYPE) + Buffer.byteLength(json);
  if (bytes > MAX_ENTRY_BYTES) return `entry of ${bytes} bytes is over EventBridge's ${MAX_ENTRY_BYTES}`;
  return { EventBusName: DEFAULT_EVENT_BUS, Source: SMS_STATUS_EVENT_SOURCE, DetailType: SMS_STATUS_DETAIL_TYPE, Detail: json, Time: new Date(logEvent.timestamp) };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
