import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsSmsSender } from '../../functions/adapters/sns-sms-sender.js';
import type { Category } from '../../functions/core/model.js';
import type { OutboundMessage } from '../../functions/core/ports.js';
import { awsError } from '../support/aws-errors.js';

const client = new SNSClient({ region: 'eu-central-1' });
const sns = mockClient(client);

function sms(category: Category): OutboundMessage<'sms'> {
  return {
    requestId: 'r-1',
    customerId: 'c-1',
    template: 'pickup-ready',
    category,
    topic: 'order-updates',
    to: '+4915112345678',
    content: { body: 'Your order is ready', encoding: 'GSM-7', segments: 1 },
  };
}

const OPTED_OUT = { outcome: 'FAILED_PERMANENT', code: 'SMS_OPTED_OUT', addressChanges: [{ channel: 'sms', kind: 'opted_out' }] };

beforeEach(() => {
  sns.reset();
  sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
});

describe('SnsSmsSender', () => {
  it('publishes transactional SMS as Transactional, with the configured sender id and origination number', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const sender = new SnsSmsSender(client, { senderId: 'SHOP', originationNumber: '+15550100' });
    expect(await sender.send(sms('transactional'))).toEqual({ outcome: 'SENT', providerMessageId: 'sns-1' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      PhoneNumber: '+4915112345678',
      Message: 'Your order is ready',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'SHOP' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+15550100' },
      },
    });
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(0);
  });

  it('publishes marketing SMS as Promotional, after checking the opt-out list by default', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-2' });
    await new SnsSmsSender(client).send(sms('marketing'));
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)[0]?.args[0].input).toEqual({ phoneNumber: '+4915112345678' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toEqual({ 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' } });
  });

  it('does not publish to a number on the opt-out list, and reports it as an address change', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: true });
    expect(await new SnsSmsSender(client, { checkOptOut: 'always' }).send(sms('transactional'))).toMatchObject(OPTED_OUT);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('skips the check when told never to', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-3' });
    await new SnsSmsSender(client, { checkOptOut: 'never' }).send(sms('marketing'));
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(0);
  });

  it.each([
    ['ThrottledException', 400, 'FAILED_RETRYABLE', 'SMS_THROTTLED'],
    ['KMSThrottlingException', 400, 'FAILED_RETRYABLE', 'SMS_THROTTLED'],
    ['InternalErrorException', 500, 'FAILED_RETRYABLE', 'SMS_PROVIDER_UNAVAILABLE'],
    ['InvalidParameterException', 400, 'FAILED_PERMANENT', 'SMS_INVALID_PARAMETER'],
    ['ServiceQuotaExceededException', 400, 'FAILED_PERMANENT', 'SMS_SPEND_LIMIT'],
    ['AuthorizationErrorException', 403, 'FAILED_PERMANENT', 'SMS_NOT_AUTHORIZED'],
  ])('returns %s (HTTP %s) as %s %s', async (name, status, outcome, code) => {
    sns.on(PublishCommand).rejects(awsError(name, { status, message: 'failed for +4915112345678' }));
    const result = await new SnsSmsSender(client).send(sms('transactional'));
    expect(result).toMatchObject({ outcome, code });
    expect(JSON.stringify(result)).not.toContain('4915112345678');
  });

  it.each(['OptedOutException', 'OptedOut'])('reports a %s refusal of Publish as an opt-out of the number', async (name) => {
    sns.on(PublishCommand).rejects(awsError(name));
    expect(await new SnsSmsSender(client).send(sms('transactional'))).toMatchObject(OPTED_OUT);
  });

  it('never reads an opt-out into the text of an error whose name says otherwise', async () => {
    sns.on(PublishCommand).rejects(awsError('InvalidParameterException', { message: 'Phone number is opted out' }));
    const result = await new SnsSmsSender(client).send(sms('transactional'));
    expect(result).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'SMS_INVALID_PARAMETER' });
    expect(result.addressChanges).toBeUndefined();
  });
  it('reports a throttled opt-out check as retryable without publishing', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(awsError('ThrottledException'));
    expect(await new SnsSmsSender(client).send(sms('marketing'))).toMatchObject({ outcome: 'FAILED_RETRYABLE', code: 'SMS_THROTTLED' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

/** What SNS answers when the role may not make the call: the message names the refused action. */
const denied = (name: string, action: string) =>
  awsError(name, {
    status: 403,
    message: `User: arn:aws:sts::123456789012:assumed-role/orchestrator/fn is not authorized to perform: SNS:${action} on resource: * because no identity-based policy allows the SNS:${action} action`,
  });

describe('SnsSmsSender when its role may not make a call', () => {
  const NOT_AUTHORIZED = { outcome: 'FAILED_PERMANENT', code: 'SMS_NOT_AUTHORIZED' };

  it.each(['AuthorizationErrorException', 'AuthorizationError', 'AccessDenied', 'AccessDeniedException'])(
    'fails a marketing SMS whose opt-out check is refused with %s, without touching the number or publishing',
    async (name) => {
      sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(denied(name, 'CheckIfPhoneNumberIsOptedOut'));
      const result = await new SnsSmsSender(client).send(sms('marketing'));
      expect(result).toMatchObject(NOT_AUTHORIZED);
      expect(result.addressChanges).toBeUndefined();
      expect(result.outcome === 'FAILED_PERMANENT' && result.message).toMatch(/^CheckIfPhoneNumberIsOptedOut: /);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    },
  );

  it('fails a refused Publish as not authorized even when its message says "opted out"', async () => {
    sns.on(PublishCommand).rejects(awsError('AuthorizationErrorException', { status: 403, message: 'Not authorized: the number may have opted out' }));
    const result = await new SnsSmsSender(client).send(sms('transactional'));
    expect(result).toMatchObject(NOT_AUTHORIZED);
    expect(result.addressChanges).toBeUndefined();
    expect(result.outcome === 'FAILED_PERMANENT' && result.message).toMatch(/^Publish: AuthorizationErrorException: /);
  });
});
