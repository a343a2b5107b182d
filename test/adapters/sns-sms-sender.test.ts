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
    ['AuthorizationErrorException', 403, 'FAILED_PERMANENT', 'SMS_NOT_AUTHORIZED'],
  ])('returns %s (HTTP %s) as %s %s', async (name, status, outcome, code) => {
    sns.on(PublishCommand).rejects(awsError(name, { status, message: 'failed for +4915112345678' }));
    const result = await new SnsSmsSender(client).send(sms('transactional'));
    expect(result).toMatchObject({ outcome, code });
    expect(JSON.stringify(result)).not.toContain('4915112345678');
  });

  it('recognises an opt-out refusal by error name or by message', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(awsError('OptedOutException'))
      .rejectsOnce(awsError('InvalidParameterException', { message: 'Phone number is opted out' }));
    const sender = new SnsSmsSender(client);
    expect(await sender.send(sms('transactional'))).toMatchObject(OPTED_OUT);
    expect(await sender.send(sms('transactional'))).toMatchObject(OPTED_OUT);
  });

  it('reports a throttled opt-out check as retryable without publishing', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(awsError('ThrottledException'));
    expect(await new SnsSmsSender(client).send(sms('marketing'))).toMatchObject({ outcome: 'FAILED_RETRYABLE', code: 'SMS_THROTTLED' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
