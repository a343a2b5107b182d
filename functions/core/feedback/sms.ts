import * as z from 'zod';
import { isoTime, type NormalizeResult } from './event.js';

/** One SNS SMS delivery status record, as SNS writes it to CloudWatch Logs. */
const smsStatusSchema = z.looseObject({
  notification: z.looseObject({ messageId: z.string().min(1), timestamp: z.string().optional() }),
  delivery: z.looseObject({ providerResponse: z.string().optional(), smsType: z.string().optional() }).optional(),
  status: z.enum(['SUCCESS', 'FAILURE']),
});

/** SNS reports "Phone is currently opted out" when the number sent STOP. */
const OPTED_OUT = /opted[\s_-]?out/i;

/**
 * Reads one log message. SNS writes its timestamp as `2016-06-28 00:40:34.558`, in UTC without a
 * zone; the log event's own timestamp is the fallback. The status record carries only SNS's
 * message id, so the request is found through the id the SMS sender stored with its attempt.
 */
export function fromSmsStatusLog(message: string, loggedAtMs?: number): NormalizeResult {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return { ok: false, reason: 'SMS status log message is not JSON' };
  }
  const parsed = smsStatusSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `malformed SMS status record: ${parsed.error.issues[0]?.path.join('.') || 'record'}` };
  const { notification, delivery, status } = parsed.data;
  const at = snsTime(notification.timestamp) ?? isoTime(loggedAtMs);
  if (!at) return { ok: false, reason: 'SMS status record without a readable timestamp' };
  const response = maskNumbers(delivery?.providerResponse ?? '');
  const optedOut = status === 'FAILURE' && OPTED_OUT.test(response);
  return {
    ok: true,
    event: {
      eventId: `sns:${notification.messageId}:${status.toLowerCase()}`,
      channel: 'sms',
      kind: status === 'SUCCESS' ? 'delivered' : 'failed',
      at,
      source: 'sns',
      detail: `SMS ${status}${response ? `: ${response}` : ''}`.slice(0, 200),
      correlation: { providerMessageId: notification.messageId },
      ...(optedOut ? { optedOut: true } : {}),
    },
  };
}

function snsTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const zoneless = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value);
  return isoTime(zoneless ? `${value.replace(' ', 'T')}Z` : value);
}

/** Carrier responses are free text; a number quoted in one must not reach the delivery record. */
function maskNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s().-]{6,}\d/g, '<number>');
}
