import { gunzipSync } from 'node:zlib';
import type { Problem } from '../core/model.js';
import { boundProblems, clipText } from '../core/problem-bounds.js';

/** A CloudWatch Logs subscription filter's delivery to Lambda. */
export interface CloudWatchLogsEvent {
  awslogs: { data: string };
}

export interface LogEntry {
  /** Its position in the payload's `logEvents`, for the path of a problem found later. */
  index: number;
  id: string;
  timestamp: number;
  message: string;
}

/** The log events that could be read, and what could not, each with its path in the payload. */
export interface LogsReading {
  /** The group the events were logged to; empty when the payload does not say. */
  logGroup: string;
  entries: LogEntry[];
  problems: Problem[];
}

/**
 * CloudWatch Logs delivers at most 1 MB of log events per batch (10,000 events): the limits only
 * stop a forged payload, such as a small gzip that inflates to gigabytes.
 */
export const MAX_LOGS_PAYLOAD_BYTES = 8 * 1024 * 1024;
export const MAX_LOG_EVENTS = 10_000;

export function isCloudWatchLogsEvent(event: unknown): event is CloudWatchLogsEvent {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  return typeof data === 'string';
}

/**
 * `awslogs.data` is base64 of gzipped JSON. A CONTROL_MESSAGE (sent when the subscription is
 * created, to check the destination) carries no log events. Never throws: what cannot be read is
 * a problem, not a failed invocation that Lambda would retry in vain.
 */
export function decodeLogsEvent(event: CloudWatchLogsEvent): LogsReading {
  let payload: unknown;
  try {
    const json = gunzipSync(Buffer.from(event.awslogs.data, 'base64'), { maxOutputLength: MAX_LOGS_PAYLOAD_BYTES }).toString('utf8');
    payload = JSON.parse(json);
  } catch (error) {
    return unreadable('awslogs.data', `is not base64 of gzipped JSON of at most ${MAX_LOGS_PAYLOAD_BYTES} bytes: ${(error as Error).message}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return unreadable('awslogs.data', 'is not a JSON object');
  const { messageType, logGroup: group, logEvents } = payload as { messageType?: unknown; logGroup?: unknown; logEvents?: unknown };
  const logGroup = typeof group === 'string' ? clipText(group, 512) : '';
  if (messageType !== 'DATA_MESSAGE') return { logGroup, entries: [], problems: [] };
  if (!Array.isArray(logEvents)) return { ...unreadable('logEvents', 'must be an array'), logGroup };
  const entries: LogEntry[] = [];
  const problems: Problem[] = [];
  logEvents.slice(0, MAX_LOG_EVENTS).forEach((logEvent: unknown, i) => {
    const { id, timestamp, message } = (typeof logEvent === 'object' && logEvent !== null ? logEvent : {}) as Record<string, unknown>;
    if (typeof message !== 'string') problems.push({ path: `logEvents.${i}.message`, message: 'must be a string' });
    else entries.push({ index: i, id: typeof id === 'string' ? clipText(id, 64) : '', timestamp: typeof timestamp === 'number' ? timestamp : Number.NaN, message });
  });
  if (logEvents.length > MAX_LOG_EVENTS) problems.push({ path: 'logEvents', message: `more than ${MAX_LOG_EVENTS} log events: the rest were not read` });
  return { logGroup, entries, problems: boundProblems(problems) };
}

function unreadable(path: string, message: string): LogsReading {
  return { logGroup: '', entries: [], problems: [{ path, message: clipText(message) }] };
}
