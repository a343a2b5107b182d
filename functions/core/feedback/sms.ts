import * as z from 'zod';
import { clipText, isWellFormed } from '../problem-bounds.js';
import { ignored, isoTime, MAX_DETAIL, MAX_PROVIDER_ID, type NormalizeResult } from './event.js';

/** A CloudWatch Logs event is at most 256 KB; SNS's own records are about 1 KB. */
export const MAX_SMS_LOG_MESSAGE = 256 * 1024;

/** One SNS SMS delivery status record, as SNS writes it to CloudWatch Logs. */
const smsStatusSchema = z.looseObject({
  notification: z.looseObject({ messageId: z.string().min(1).max(MAX_PROVIDER_ID).refine(isWellFormed), timestamp: z.string().optional() }),
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
  if (message.length > MAX_SMS_LOG_MESSAGE) return ignored(`SMS status log message is longer than ${MAX_SMS_LOG_MESSAGE} characters`, '');
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return ignored('SMS status log message is not JSON', '');
  }
  const parsed = smsStatusSchema.safeParse(json);
  if (!parsed.success) {
    const path = (parsed.error.issues[0]?.path ?? []).map(String).join('.');
    return ignored(`malformed SMS status record: ${path || 'record'}`, path);
  }
  const { notification, delivery, status } = parsed.data;
  const at = snsTime(notification.timestamp) ?? isoTime(loggedAtMs);
  if (!at) return ignored('SMS status record without a readable timestamp', 'notification.timestamp');
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
      detail: clipText(`SMS ${status}${response ? `: ${response}` : ''}`, MAX_DETAIL),
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
