import { type MessageHeader, type MessageTag, SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { sanitizeTagValue } from '../core/feedback/event.js';
import { REQUEST_ID_HEADER } from '../core/feedback/ses.js';
import { codeOf, isRetryable } from '../core/errors.js';
import { unsubscribeUrl } from '../core/links.js';
import type { ChannelSender, Clock, LinkSigner, OutboundMessage, SendResult } from '../core/ports.js';
import { NOT_AUTHORIZED_CODES } from '../definitions/metrics.js';
import { isAuthorizationError } from './aws-authorization.js';
import { describeAwsError, safeMessage } from './aws-errors.js';
import { systemClock } from './system-clock.js';

export interface SesEmailSenderOptions {
  fromAddress: string;
  /** Its event destination reports delivery, bounce, complaint, open and click to the feedback loop. */
  configurationSetName: string;
  /** The one-click unsubscribe endpoint (https); the token is added as `?token=`. */
  unsubscribeBaseUrl: string;
  /** Signs the unsubscribe link of every marketing email. */
  signer: LinkSigner;
  /** Dates the link's expiry. */
  clock?: Clock;
}

/**
 * A marketing email without a working one-click unsubscribe link is never sent (RFC 8058, and
 * the mailbox providers' bulk sender rules): when the link cannot be signed, the email channel
 * fails permanently and the next channel is tried. Keys that cannot be read right now are a
 * passing failure, so the request is tried again.
 */
export const EMAIL_NO_UNSUBSCRIBE_LINK = 'EMAIL_NO_UNSUBSCRIBE_LINK';
export const EMAIL_LINK_KEYS_UNAVAILABLE = 'EMAIL_LINK_KEYS_UNAVAILABLE';

const CHARSET = 'UTF-8';

/** Permanent SES refusals, each under our own code. */
const PERMANENT_CODES: Record<string, string> = {
  MessageRejected: 'EMAIL_REJECTED',
  MailFromDomainNotVerifiedException: 'EMAIL_SENDER_NOT_VERIFIED',
  AccountSuspendedException: 'EMAIL_ACCOUNT_SUSPENDED',
  SendingPausedException: 'EMAIL_SENDING_PAUSED',
  BadRequestException: 'EMAIL_BAD_REQUEST',
  NotFoundException: 'EMAIL_CONFIGURATION_NOT_FOUND',
};

/** Email through SES v2 `SendEmail` (simple content, which takes custom headers in this SDK). */
export class SesEmailSender implements ChannelSender<'email'> {
  readonly channel = 'email' as const;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesEmailSenderOptions,
  ) {
    // Fails at cold start, not on the first marketing message.
    new URL(options.unsubscribeBaseUrl);
  }

  async send(message: OutboundMessage<'email'>): Promise<SendResult> {
    const { subject, html, text } = message.content;
    let headers: MessageHeader[];
    try {
      headers = await this.headers(message);
    } catch (error) {
      const detail = `the unsubscribe link could not be signed (${codeOf(error)})`;
      return isRetryable(error)
        ? { outcome: 'FAILED_RETRYABLE', code: EMAIL_LINK_KEYS_UNAVAILABLE, message: detail }
        : { outcome: 'FAILED_PERMANENT', code: EMAIL_NO_UNSUBSCRIBE_LINK, message: detail };
    }
    try {
      const output = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.options.fromAddress,
          Destination: { ToAddresses: [message.to] },
          ConfigurationSetName: this.options.configurationSetName,
          Content: {
            Simple: {
              Subject: { Data: subject, Charset: CHARSET },
              Body: { Html: { Data: html, Charset: CHARSET }, Text: { Data: text, Charset: CHARSET } },
              Headers: headers,
            },
          },
          EmailTags: tags(message),
        }),
      );
      return { outcome: 'SENT', ...(output.MessageId ? { providerMessageId: output.MessageId } : {}) };
    } catch (error) {
      return failure(error);
    }
  }

  /** RFC 8058 one-click unsubscribe goes on marketing mail only: transactional mail cannot be unsubscribed from. */
  private async headers(message: OutboundMessage<'email'>): Promise<MessageHeader[]> {
    const headers: MessageHeader[] = [{ Name: REQUEST_ID_HEADER, Value: message.requestId }];
    if (message.category === 'marketing') {
      const { requestId, customerId, topic } = message;
      const now = (this.options.clock ?? systemClock).now();
      const link = await unsubscribeUrl(this.options.signer, this.options.unsubscribeBaseUrl, { requestId, customerId, topic }, now);
      headers.push({ Name: 'List-Unsubscribe', Value: `<${link}>` }, { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' });
    }
    return headers;
  }
}

function tags(message: OutboundMessage<'email'>): MessageTag[] {
  return [
    { Name: 'requestId', Value: sanitizeTagValue(message.requestId) },
    { Name: 'template', Value: sanitizeTagValue(message.template) },
    { Name: 'customerId', Value: sanitizeTagValue(message.customerId) },
    { Name: 'category', Value: message.category },
  ];
}

function failure(error: unknown): SendResult {
  const facts = describeAwsError(error);
  if (isAuthorizationError(facts.name)) return { outcome: 'FAILED_PERMANENT', code: NOT_AUTHORIZED_CODES.email, message: safeMessage(facts) };
  const permanent = PERMANENT_CODES[facts.name];
  if (permanent) return { outcome: 'FAILED_PERMANENT', code: permanent, message: safeMessage(facts) };
  if (facts.retryable) {
    const throttled = facts.name === 'TooManyRequestsException' || facts.name === 'LimitExceededException' || facts.httpStatus === 429;
    return { outcome: 'FAILED_RETRYABLE', code: throttled ? 'EMAIL_THROTTLED' : 'EMAIL_PROVIDER_UNAVAILABLE', message: safeMessage(facts) };
  }
  return { outcome: 'FAILED_PERMANENT', code: 'EMAIL_FAILED', message: safeMessage(facts) };
}
