import { gunzipSync } from 'node:zlib';

/** A CloudWatch Logs subscription filter's delivery to Lambda. */
export interface CloudWatchLogsEvent {
  awslogs: { data: string };
}

export interface LogEntry {
  id: string;
  timestamp: number;
  message: string;
}

export function isCloudWatchLogsEvent(event: unknown): event is CloudWatchLogsEvent {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  return typeof data === 'string';
}

/**
 * `awslogs.data` is base64 of gzipped JSON. A CONTROL_MESSAGE (sent when the subscription is
 * created, to check the destination) carries no log events.
 */
export function decodeLogsEvent(event: CloudWatchLogsEvent): LogEntry[] {
  const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as {
    messageType?: string;
    logEvents?: { id?: unknown; timestamp?: unknown; message?: unknown }[];
  };
  if (payload.messageType !== 'DATA_MESSAGE') return [];
  return (payload.logEvents ?? [])
    .filter((e) => typeof e.message === 'string')
    .map((e) => ({ id: String(e.id ?? ''), timestamp: typeof e.timestamp === 'number' ? e.timestamp : Number.NaN, message: e.message as string }));
}
