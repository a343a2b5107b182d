import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeWakeScheduler, scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import { PinpointPushSender } from '../../functions/adapters/pinpoint-push-sender.js';
import { SnsSmsSender } from '../../functions/adapters/sns-sms-sender.js';
import { type ProviderSandbox, type SmsStatusRecord, startProviderSandbox } from '../../functions/local/provider-sandbox.js';

let sandbox: ProviderSandbox;
let pinpoint: PinpointClient;
let sns: SNSClient;

beforeAll(async () => {
  sandbox = await startProviderSandbox({ applicationId: 'app-1' });
  const settings = { region: 'eu-central-1', endpoint: sandbox.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  pinpoint = new PinpointClient(settings);
  sns = new SNSClient(settings);
});
afterAll(async () => {
  pinpoint.destroy();
  sns.destroy();
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.state.resetFaults();
  sandbox.state.clearMessages();
});

async function control(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.controlUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const push = (addresses: Record<string, 'APNS' | 'GCM'>, applicationId = 'app-1') =>
  new SendMessagesCommand({
    ApplicationId: applicationId,
    MessageRequest: {
      Addresses: Object.fromEntries(Object.entries(addresses).map(([token, ChannelType]) => [token, { ChannelType }])),
      MessageConfiguration: { APNSMessage: { Title: 'Still there?', Body: 'Your jumper is waiting', Action: 'URL', Url: 'https://shop.example/cart', Data: { requestId: 'r-1' } } },
      TraceId: 'r-1',
    },
  });

describe('Pinpoint SendMessages', () => {
  it('answers a MessageResponse with a result per address that the SDK parses, and records the notification', async () => {
    await control('faults', { method: 'POST', body: JSON.stringify({ pushTokens: { 'dead-token': 'PERMANENT_FAILURE' }, renewedTokens: { 'old-token': 'new-token' } }) });

    const output = await pinpoint.send(push({ 'good-token': 'APNS', 'dead-token': 'GCM', 'old-token': 'APNS' }));

    const result = output.MessageResponse?.Result ?? {};
    expect(output.MessageResponse?.ApplicationId).toBe('app-1');
    expect(result['good-token']).toMatchObject({ DeliveryStatus: 'SUCCESSFUL', StatusCode: 200, MessageId: expect.any(String) });
    expect(result['dead-token']).toMatchObject({ DeliveryStatus: 'PERMANENT_FAILURE', StatusCode: 410 });
    expect(result['dead-token']?.MessageId).toBeUndefined();
    expect(result['old-token']).toMatchObject({ DeliveryStatus: 'SUCCESSFUL', UpdatedToken: 'new-token' });
    const { body } = await control('messages');
    expect(body.push).toEqual([
      expect.objectContaining({
        applicationId: 'app-1',
        traceId: 'r-1',
        title: 'Still there?',
        body: 'Your jumper is waiting',
        url: 'https://shop.example/cart',
        data: { requestId: 'r-1' },
      }),
    ]);
  });

  it('throttles the whole call with a 429 TooManyRequestsException as many times as it was told', async () => {
    await control('faults', { method: 'POST', body: JSON.stringify({ throttle: { pinpoint: 1 } }) });

    await expect(pinpoint.send(push({ 'good-token': 'APNS' }))).rejects.toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    await expect(pinpoint.send(push({ 'good-token': 'APNS' }))).resolves.toBeDefined();
  });

  it('refuses an application it does not know with NotFoundException', async () => {
    await expect(pinpoint.send(push({ 'good-token': 'APNS' }, 'other-app'))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('makes the push adapter retire a dead token and fail permanently', async () => {
    await control('faults', { method: 'POST', body: JSON.stringify({ pushTokens: { 'dead-token': 'PERMANENT_FAILURE' } }) });
    const sender = new PinpointPushSender(pinpoint, { applicationId: 'app-1' });

    const result = await sender.send({
      requestId: 'r-2',
      customerId: 'c-1',
      template: 't',
      category: 'marketing',
      topic: 'promotions',
      tokens: [{ token: 'dead-token', platform: 'APNS', status: 'active' }],
      content: { title: 'Hi', body: 'there', payloadBytes: 40 },
    });

    expect(result).toMatchObject({ outcome: 'FAILED_PERMANENT', addressChanges: [{ channel: 'push', token: 'dead-token', kind: 'token_dead' }] });
  });
});

describe('SNS Publish and CheckIfPhoneNumberIsOptedOut', () => {
  it('publishes to a phone number, returns a MessageId and reports a SUCCESS delivery status', async () => {
    const statuses: SmsStatusRecord[] = [];
    sandbox.state.events.on('sms-status', (status: SmsStatusRecord) => statuses.push(status));

    const output = await sns.send(
      new PublishCommand({
        PhoneNumber: '+4915112345678',
        Message: 'Your order shipped',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );

    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sandbox.state.sms).toEqual([
      expect.objectContaining({ messageId: output.MessageId, phoneNumber: '+4915112345678', message: 'Your order shipped', smsType: 'Transactional', status: 'SUCCESS' }),
    ]);
    expect(statuses).toEqual([expect.objectContaining({ status: 'SUCCESS', notification: expect.objectContaining({ messageId: output.MessageId }) })]);
    expect(statuses[0]?.notification.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
  });

  it('answers the opt-out check per number, and an opted-out number fails at the carrier with the STOP wording', async () => {
    await control('faults', { method: 'POST', body: JSON.stringify({ optedOutNumbers: ['+12025550143'] }) });

    const optedOut = await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+12025550143' }));
    const other = await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+4915112345678' }));
    await sns.send(new PublishCommand({ PhoneNumber: '+12025550143', Message: 'hi' }));

    expect(optedOut.isOptedOut).toBe(true);
    expect(other.isOptedOut).toBe(false);
    expect(sandbox.state.sms[0]).toMatchObject({ status: 'FAILURE', providerResponse: 'Phone is currently opted out' });
  });

  it('rejects a number that is not E.164 with InvalidParameterException and a throttled call with ThrottledException', async () => {
    await expect(sns.send(new PublishCommand({ PhoneNumber: '015112345678', Message: 'hi' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await control('faults', { method: 'POST', body: JSON.stringify({ throttle: { sns: 1 } }) });
    await expect(sns.send(new PublishCommand({ PhoneNumber: '+4915112345678', Message: 'hi' }))).rejects.toMatchObject({
      name: 'ThrottledException',
      $metadata: { httpStatusCode: 429 },
    });
  });

  it('makes the SMS adapter stop at the opt-out check for marketing', async () => {
    sandbox.state.applyFaults({ optedOutNumbers: ['+12025550143'] });
    const sender = new SnsSmsSender(sns);

    const result = await sender.send({
      requestId: 'r-3',
      customerId: 'c-1',
      template: 't',
      category: 'marketing',
      topic: 'promotions',
      to: '+12025550143',
      content: { body: 'Sale!', encoding: 'GSM-7', segments: 1 },
    });

    expect(result).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'SMS_OPTED_OUT' });
    expect(sandbox.state.sms).toHaveLength(0);
  });
});

describe('control endpoint', () => {
  it('rejects an unknown push status and lists the problem', async () => {
    const { status, body } = await control('faults', { method: 'POST', body: JSON.stringify({ pushTokens: { t: 'EXPLODED' } }) });

    expect(status).toBe(400);
    expect(String(body.problems)).toContain('pushTokens.t');
  });

  it('resets faults and clears recorded messages', async () => {
    await control('faults', { method: 'POST', body: JSON.stringify({ optedOutNumbers: ['+12025550143'], throttle: { sns: 2 } }) });
    await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+4915112345678' })).catch(() => undefined);
    await control('faults', { method: 'DELETE' });
    await sns.send(new PublishCommand({ PhoneNumber: '+4915112345678', Message: 'hi' }));
    await control('messages', { method: 'DELETE' });

    const faults = await control('faults');
    const messages = await control('messages');
    expect(faults.body).toEqual({ pushTokens: {}, renewedTokens: {}, optedOutNumbers: [], smsErrors: {}, throttle: { pinpoint: 0, sns: 0 } });
    expect(messages.body).toEqual({ push: [], sms: [] });
  });
});

describe('EventBridge Scheduler stand-in, driven by the real wake adapter', () => {
  it('keeps a schedule once, moves it, deletes it, and answers the errors the adapter treats as done', async () => {
    const client = new SchedulerClient({ region: 'eu-central-1', endpoint: sandbox.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    const wakes = new EventBridgeWakeScheduler(client, {
      groupName: 'switchboard-test-wakes',
      queueArn: 'arn:aws:sqs:eu-central-1:000000000000:requests',
      roleArn: 'arn:aws:iam::000000000000:role/wakes',
      deadLetterQueueArn: 'arn:aws:sqs:eu-central-1:000000000000:wakes-dlq',
    });
    const target = { requestId: 'order:42', token: 'd1', kind: 'deferral' as const };
    const now = new Date('2026-11-24T12:00:00Z');
    await wakes.schedule({ ...target, due: new Date('2026-11-25T07:00:00.250Z') }, now);
    // Arranged again (a redelivered request): ConflictException, which counts as done.
    await wakes.schedule({ ...target, due: new Date('2026-11-25T09:00:00Z') }, now);
    let listed = (await control('schedules')).body as unknown as { name: string; group: string; expression: string; input: string }[];
    expect(listed).toEqual([{ name: scheduleName(target), group: 'switchboard-test-wakes', expression: 'at(2026-11-25T07:00:01)', input: JSON.stringify({ wake: target }) }]);

    await wakes.bringForward({ ...target, due: new Date('2026-11-25T06:00:00Z') }, now);
    listed = (await control('schedules')).body as unknown as typeof listed;
    expect(listed.map((schedule) => schedule.expression)).toEqual(['at(2026-11-25T06:00:00)']);

    await wakes.cancel(target);
    await wakes.cancel(target);
    expect((await control('schedules')).body).toEqual([]);
    client.destroy();
  });
});
