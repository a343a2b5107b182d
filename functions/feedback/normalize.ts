import { ignored, type NormalizeResult } from '../core/feedback/event.js';
import { fromSesEventBridge } from '../core/feedback/ses.js';
import { fromSmsStatusLog } from '../core/feedback/sms.js';
import { SMS_STATUS_EVENT_SOURCE } from '../definitions/sms-status.js';
import { decodeLogsEvent, isCloudWatchLogsEvent } from '../logs-payload/decode.js';

/**
 * Reads whatever invoked the feedback Lambda into events and reasons for ignoring the rest: SES
 * events from EventBridge (one per invocation), SNS SMS status records the account's fan-out put
 * on the default bus (one per invocation), or a batch of SNS SMS status logs straight from a
 * subscription filter, as stages deployed before the fan-out receive them. Never throws.
 */
export function normalizeFeedbackInput(event: unknown): NormalizeResult[] {
  if (isCloudWatchLogsEvent(event)) {
    const { entries, problems } = decodeLogsEvent(event);
    return [...entries.map((entry) => fromSmsStatusLog(entry.message, entry.timestamp)), ...problems.map((p) => ignored(p.message, p.path))];
  }
  const source = (event as { source?: unknown } | null | undefined)?.source;
  if (source === 'aws.ses') return [fromSesEventBridge(event)];
  if (source === SMS_STATUS_EVENT_SOURCE) return [fromSmsStatusEvent(event as { detail?: unknown })];
  return [ignored('neither an SES event, an SMS status event nor a CloudWatch Logs subscription payload', '')];
}

/**
 * The fan-out's event carries the record already parsed; it is written back to text so that both
 * paths read it with the same code and reach the same event id for the same status.
 */
function fromSmsStatusEvent(event: { detail?: unknown }): NormalizeResult {
  const detail = event.detail;
  if (!isObject(detail)) return ignored('SMS status event without a detail object', 'detail');
  if (!isObject(detail.record)) return ignored('SMS status event without a record object', 'detail.record');
  if (typeof detail.loggedAt !== 'number') return ignored('SMS status event without a numeric loggedAt', 'detail.loggedAt');
  let message: string;
  try {
    message = JSON.stringify(detail.record);
  } catch {
    // Nested deeper than the serialiser's stack reaches; no SNS record is.
    return ignored('SMS status record cannot be written as JSON', 'detail.record');
  }
  return fromSmsStatusLog(message, detail.loggedAt);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
