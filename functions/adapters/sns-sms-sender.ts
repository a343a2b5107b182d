import { CheckIfPhoneNumberIsOptedOutCommand, type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ChannelSender, OutboundMessage, SendResult } from '../core/ports.js';
import { NOT_AUTHORIZED_CODES } from '../definitions/metrics.js';
import { isAuthorizationError } from './aws-authorization.js';
import { type AwsErrorFacts, describeAwsError, safeMessage } from './aws-errors.js';

export interface SnsSmsSenderOptions {
  /** Alphanumeric sender id, where the destination country supports one. */
  senderId?: string;
  /** A number or short code owned in AWS End User Messaging to send from. */
  originationNumber?: string;
  /**
   * Ask SNS whether the number replied STOP before publishing. SNS keeps that list itself and
   * sends us no event for it, so this is how a STOP reaches the customer record (as an
   * `opted_out` address change, after which the core no longer picks SMS). It costs one extra
   * call per message and the API is rate-limited (tens of calls per second per account), so the
   * default checks marketing only, where a send after STOP is a compliance breach.
   */
  checkOptOut?: 'never' | 'marketing' | 'always';
}

function optedOut(): SendResult {
  return { outcome: 'FAILED_PERMANENT', code: 'SMS_OPTED_OUT', message: 'the number has opted out of SMS', addressChanges: [{ channel: 'sms', kind: 'opted_out' }] };
}

/** `OptedOutException` as the SDK models it, `OptedOut` as the wire code when it is not modelled. */
const OPTED_OUT_NAMES = new Set(['OptedOutException', 'OptedOut']);

const PERMANENT_CODES: Record<string, string> = {
  InvalidParameterException: 'SMS_INVALID_PARAMETER',
  InvalidParameterValueException: 'SMS_INVALID_PARAMETER',
  ValidationException: 'SMS_INVALID_PARAMETER',
  // End User Messaging SMS refuses texts this way once the account's monthly SMS spend limit is reached.
  ServiceQuotaExceededException: 'SMS_SPEND_LIMIT',
};

type Call = 'CheckIfPhoneNumberIsOptedOut' | 'Publish';

/** SMS through SNS `Publish` to a phone number. */
export class SnsSmsSender implements ChannelSender<'sms'> {
  readonly channel = 'sms' as const;
  private readonly checkOptOut: NonNullable<SnsSmsSenderOptions['checkOptOut']>;

  constructor(
    private readonly client: SNSClient,
    private readonly options: SnsSmsSenderOptions = {},
  ) {
    this.checkOptOut = options.checkOptOut ?? 'marketing';
  }

  async send(message: OutboundMessage<'sms'>): Promise<SendResult> {
    let call: Call = 'CheckIfPhoneNumberIsOptedOut';
    try {
      if (this.shouldCheck(message) && (await this.isOptedOut(message.to))) return optedOut();
      call = 'Publish';
      const output = await this.client.send(new PublishCommand({ PhoneNumber: message.to, Message: message.content.body, MessageAttributes: this.attributes(message) }));
      return { outcome: 'SENT', ...(output.MessageId ? { providerMessageId: output.MessageId } : {}) };
    } catch (error) {
      return failure(describeAwsError(error), call);
    }
  }

  private shouldCheck(message: OutboundMessage<'sms'>): boolean {
    return this.checkOptOut === 'always' || (this.checkOptOut === 'marketing' && message.category === 'marketing');
  }

  private async isOptedOut(phoneNumber: string): Promise<boolean> {
    const output = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
    return output.isOptedOut === true;
  }

  /** Promotional messages are cheaper and may be delayed; transactional ones are routed for reliability. */
  private attributes(message: OutboundMessage<'sms'>): Record<string, MessageAttributeValue> {
    const attributes: Record<string, MessageAttributeValue> = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: message.category === 'marketing' ? 'Promotional' : 'Transactional' },
    };
    if (this.options.senderId) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: this.options.senderId };
    if (this.options.originationNumber) attributes['AWS.MM.SMS.OriginationNumber'] = { DataType: 'String', StringValue: this.options.originationNumber };
    return attributes;
  }
}

/**
 * By error name only: SNS messages quote the call they refused, so a denied opt-out check reads
 * "…CheckIfPhoneNumberIsOptedOut…" and must never become an opt-out of the customer. A refusal
 * of our own permissions is permanent and carries no address change.
 */
function failure(facts: AwsErrorFacts, call: Call): SendResult {
  const message = `${call}: ${safeMessage(facts)}`;
  if (isAuthorizationError(facts.name)) return { outcome: 'FAILED_PERMANENT', code: NOT_AUTHORIZED_CODES.sms, message };
  if (OPTED_OUT_NAMES.has(facts.name)) return optedOut();
  const permanent = PERMANENT_CODES[facts.name];
  if (permanent) return { outcome: 'FAILED_PERMANENT', code: permanent, message };
  if (facts.retryable) {
    const throttled = facts.name === 'ThrottledException' || facts.name === 'Throttling' || facts.name === 'KMSThrottlingException' || facts.httpStatus === 429;
    return { outcome: 'FAILED_RETRYABLE', code: throttled ? 'SMS_THROTTLED' : 'SMS_PROVIDER_UNAVAILABLE', message };
  }
  return { outcome: 'FAILED_PERMANENT', code: 'SMS_FAILED', message };
}
