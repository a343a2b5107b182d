import { randomUUID } from 'node:crypto';
import { sanitizeTagValue } from '../../core/feedback/event.js';
import type { StoredEmail } from '../ses-local.js';

export const SES_ACTIONS = ['send', 'delivery', 'open', 'click', 'bounce', 'complaint'] as const;
export type SesAction = (typeof SES_ACTIONS)[number];

/** What the orchestrator tagged the email with; the local SES keeps headers but not tags. */
export interface EmailTags {
  requestId?: string;
  template?: string;
  customerId?: string;
  category?: string;
}

export interface SesEventInput {
  action: SesAction;
  email: StoredEmail;
  tags: EmailTags;
  region: string;
  configurationSet: string;
  /** The link a click followed. */
  link?: string;
  at?: Date;
}

const ACCOUNT = '000000000000';

const DETAIL_TYPES: Record<SesAction, { detailType: string; eventType: string }> = {
  send: { detailType: 'Email Sent', eventType: 'Send' },
  delivery: { detailType: 'Email Delivered', eventType: 'Delivery' },
  open: { detailType: 'Email Opened', eventType: 'Open' },
  click: { detailType: 'Email Clicked', eventType: 'Click' },
  bounce: { detailType: 'Email Bounced', eventType: 'Bounce' },
  complaint: { detailType: 'Email Complaint Received', eventType: 'Complaint' },
};

/**
 * The event SES would put on EventBridge through the configuration set's event destination, for
 * an email the local SES accepted. Shapes follow the SES event record format, so the feedback
 * handler reads them exactly as it reads the real ones.
 */
export function sesEventBridgeEvent(input: SesEventInput): Record<string, unknown> {
  const at = (input.at ?? new Date()).toISOString();
  const { detailType, eventType } = DETAIL_TYPES[input.action];
  const to = input.email.destination.to;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.ses',
    account: ACCOUNT,
    time: at,
    region: input.region,
    resources: [`arn:aws:ses:${input.region}:${ACCOUNT}:configuration-set/${input.configurationSet}`],
    detail: { eventType, mail: mailOf(input), ...specific(input, at, to) },
  };
}

function mailOf(input: SesEventInput): Record<string, unknown> {
  const { email } = input;
  const tags: Record<string, string[]> = {
    'ses:operation': ['SendEmail'],
    'ses:configuration-set': [input.configurationSet],
    'ses:from-domain': [email.from.replace(/^.*@/, '').replace(/>$/, '')],
  };
  for (const [name, value] of Object.entries(input.tags) as [keyof EmailTags, string | undefined][]) if (value) tags[name] = [sanitizeTagValue(value)];
  return {
    timestamp: new Date(email.at * 1000).toISOString(),
    source: email.from,
    sendingAccountId: ACCOUNT,
    messageId: email.messageId,
    destination: email.destination.to,
    headersTruncated: false,
    headers: email.headers ?? [],
    commonHeaders: { from: [email.from], to: email.destination.to, messageId: email.messageId, subject: email.subject },
    tags,
  };
}

function specific(input: SesEventInput, at: string, to: string[]): Record<string, unknown> {
  const feedbackId = `local-${randomUUID()}`;
  const agent = 'Mozilla/5.0 (outbox page)';
  switch (input.action) {
    case 'send':
      return { send: {} };
    case 'delivery':
      return { delivery: { timestamp: at, processingTimeMillis: 120, recipients: to, smtpResponse: '250 2.0.0 OK (local)', reportingMTA: 'local-ses' } };
    case 'open':
      return { open: { timestamp: at, ipAddress: '127.0.0.1', userAgent: agent } };
    case 'click':
      return { click: { timestamp: at, ipAddress: '127.0.0.1', userAgent: agent, link: input.link ?? 'https://fernhill.example/', linkTags: {} } };
    case 'bounce':
      return {
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: to.map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
          timestamp: at,
          feedbackId,
          reportingMTA: 'dsn; local-ses',
        },
      };
    case 'complaint':
      return { complaint: { complainedRecipients: to.map((emailAddress) => ({ emailAddress })), timestamp: at, feedbackId, complaintFeedbackType: 'abuse', userAgent: agent } };
  }
}
