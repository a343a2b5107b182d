import { ignored, type NormalizeResult } from '../core/feedback/event.js';
import { fromSesEventBridge } from '../core/feedback/ses.js';
import { fromSmsStatusLog } from '../core/feedback/sms.js';
import { decodeLogsEvent, isCloudWatchLogsEvent } from './logs-payload.js';

/**
 * Reads whatever invoked the feedback Lambda into events and reasons for ignoring the rest: SES
 * events from EventBridge (one per invocation) or a batch of SNS SMS status logs. Never throws.
 */
export function normalizeFeedbackInput(event: unknown): NormalizeResult[] {
  if (isCloudWatchLogsEvent(event)) {
    const { entries, problems } = decodeLogsEvent(event);
    return [...entries.map((entry) => fromSmsStatusLog(entry.message, entry.timestamp)), ...problems.map((p) => ignored(p.message, p.path))];
  }
  if ((event as { source?: unknown } | null | undefined)?.source === 'aws.ses') return [fromSesEventBridge(event)];
  return [ignored('neither an SES EventBridge event nor a CloudWatch Logs subscription payload', '')];
}
