import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const FIXTURE_REQUEST_ID = 'cart-reminder.c-3001.20261124';
export const FIXTURE_CUSTOMER_ID = 'c-3001';
export const FIXTURE_MESSAGE_ID = '0102019356a1b2c3-5f4e3d2c-1b0a-4c9d-8e7f-6a5b4c3d2e1f-000000';

export type SesFixture =
  | 'ses-send'
  | 'ses-delivery'
  | 'ses-bounce-permanent'
  | 'ses-bounce-transient'
  | 'ses-complaint'
  | 'ses-open'
  | 'ses-click'
  | 'ses-reject'
  | 'ses-rendering-failure'
  | 'ses-delivery-delay'
  | 'ses-subscription';
export type SmsFixture = 'sms-success' | 'sms-failure' | 'sms-opted-out';

interface SesEvent {
  detail: {
    mail: { messageId: string; headers?: { name: string; value: string }[]; tags: Record<string, string[]> };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

function read<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/feedback/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of an SES fixture, re-addressed to another request, customer or message when asked. */
export function sesFixture(name: SesFixture, to: { requestId?: string; customerId?: string; messageId?: string; header?: boolean } = {}): SesEvent {
  const event = read<SesEvent>(name);
  const { mail } = event.detail;
  if (to.messageId) mail.messageId = to.messageId;
  if (to.requestId) {
    mail.tags.requestId = [to.requestId.replace(/[^A-Za-z0-9_-]/g, '_')];
    for (const header of mail.headers ?? []) if (header.name === 'X-Switchboard-Request-Id') header.value = to.requestId;
  }
  if (to.customerId) mail.tags.customerId = [to.customerId.replace(/[^A-Za-z0-9_-]/g, '_')];
  if (to.header === false && mail.headers) mail.headers = mail.headers.filter((h) => h.name !== 'X-Switchboard-Request-Id');
  return event;
}

/** One SNS SMS status record as the log message string, optionally for another SNS message id. */
export function smsFixture(name: SmsFixture, messageId?: string): string {
  const record = read<{ notification: { messageId: string } }>(name);
  if (messageId) record.notification.messageId = messageId;
  return JSON.stringify(record);
}

export function smsFixtureMessageId(name: SmsFixture): string {
  return read<{ notification: { messageId: string } }>(name).notification.messageId;
}

/** What a CloudWatch Logs subscription filter hands Lambda: base64(gzip(JSON)). */
export function awslogsEvent(messages: string[], messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' = 'DATA_MESSAGE') {
  const payload = {
    messageType,
    owner: '123456789012',
    logGroup: 'sns/eu-central-1/123456789012/DirectPublishToPhoneNumber',
    logStream: '9e3f6b1c-0000-4000-8000-000000000000',
    subscriptionFilters: ['switchboard-sms-status'],
    logEvents: messages.map((message, i) => ({ id: `3719517${String(i).padStart(6, '0')}`, timestamp: Date.parse('2026-11-24T12:00:01Z') + i, message })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64') } };
}
