import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answerDynamoDb, answerSes, classifyDynamoDb, classifySes, type DynamoDbFault, type SesFault } from '../../chaos/aws-faults.js';
import { startFaultProxy } from '../../chaos/proxy.js';
import { describeAwsError } from '../../functions/adapters/aws-errors.js';
import { PinpointPushSender } from '../../functions/adapters/pinpoint-push-sender.js';
import { type ProviderFaultKind, type ProviderSandbox, startProviderSandbox } from '../../functions/local/provider-sandbox.js';
import { FaultTally, SeededFaults } from '../../functions/local/sandbox/seeded-faults.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const settings = (endpoint: string) => ({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
const always = <K extends string>(kind: K) => new SeededFaults<K>({ seed: 1, rate: 1, maxBurst: 1, burstiness: 0, kinds: { [kind]: 1 } as Partial<Record<K, number>> });

async function failure(call: () => Promise<unknown>): Promise<{ name: string; status?: number; retryable: boolean }> {
  try {
    await call();
  } catch (error) {
    const facts = describeAwsError(error);
    return { name: facts.name, ...(facts.httpStatus !== undefined ? { status: facts.httpStatus } : {}), retryable: facts.retryable };
  }
  throw new Error('the call succeeded');
}

describe('the fault proxy answers as the services do', () => {
  it.each([
    ['throughput_exceeded', 'ProvisionedThroughputExceededException', 400],
    ['throttling', 'ThrottlingException', 400],
    ['internal_error', 'InternalServerError', 500],
  ] as const)('DynamoDB %s reaches the SDK as %s (%i), retryable', async (kind, name, status) => {
    const tally = new FaultTally();
    const proxy = await startFaultProxy<DynamoDbFault>({
      upstream: inject('dynamoDbEndpoint'),
      classify: classifyDynamoDb('p-'),
      faults: always(kind),
      tally,
      answer: answerDynamoDb,
    });
    const client = new DynamoDBClient(settings(proxy.url));
    try {
      expect(await failure(() => client.send(new GetItemCommand({ TableName: 'p-deliveries', Key: { requestId: { S: 'r-1' } } })))).toEqual({ name, status, retryable: true });
      expect(tally.calls).toEqual({ 'DynamoDB GetItem deliveries': 1 });
      expect(tally.faults).toEqual({ 'DynamoDB GetItem deliveries': { [kind]: 1 } });
    } finally {
      client.destroy();
      await proxy.stop();
    }
  });

  it.each([
    ['throttle', 'TooManyRequestsException', 429],
    ['server_error', 'InternalFailure', 500],
    ['timeout', 'TimeoutError', undefined],
  ] as const)('SES %s reaches the SDK as %s, retryable', async (kind, name, status) => {
    const proxy = await startFaultProxy<SesFault>({ upstream: 'http://127.0.0.1:9', classify: classifySes, faults: always(kind), tally: new FaultTally(), answer: answerSes });
    const client = new SESv2Client(settings(proxy.url));
    try {
      const send = new SendEmailCommand({
        FromEmailAddress: 'a@example.com',
        Destination: { ToAddresses: ['b@example.com'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
      });
      expect(await failure(() => client.send(send))).toEqual({ name, ...(status ? { status } : {}), retryable: true });
    } finally {
      client.destroy();
      await proxy.stop();
    }
  });
});

describe('the provider sandbox fails in seeded ways', () => {
  let sandbox: ProviderSandbox;
  let pinpoint: PinpointClient;
  let sns: SNSClient;
  beforeAll(async () => {
    sandbox = await startProviderSandbox({ applicationId: 'app' });
    pinpoint = new PinpointClient(settings(sandbox.endpoint));
    sns = new SNSClient(settings(sandbox.endpoint));
  });
  afterAll(async () => {
    pinpoint.destroy();
    sns.destroy();
    await sandbox.stop();
  });
  const only = (kind: ProviderFaultKind) => {
    sandbox.state.resetFaults();
    sandbox.state.clearMessages();
    sandbox.state.applyFaults({ seeded: { seed: 3, rate: 1, maxBurst: 1, kinds: { [kind]: 1 } } });
  };
  const push = () =>
    pinpoint.send(
      new SendMessagesCommand({
        ApplicationId: 'app',
        MessageRequest: { Addresses: { 'token-1': { ChannelType: 'APNS' } }, MessageConfiguration: { APNSMessage: { Title: 't', Body: 'b' } } },
      }),
    );
  const publish = () => sns.send(new PublishCommand({ PhoneNumber: '+4915112345678', Message: 'hello' }));

  it.each([
    ['throttle', 'TooManyRequestsException', 429, 'Throttling', 400],
    ['server_error', 'InternalServerErrorException', 500, 'InternalErrorException', 500],
  ] as const)('%s: Pinpoint %s, SNS %s, nothing recorded', async (kind, pinpointName, pinpointStatus, snsName, snsStatus) => {
    only(kind);
    expect(await failure(push)).toEqual({ name: pinpointName, status: pinpointStatus, retryable: true });
    expect(await failure(publish)).toEqual({ name: snsName, status: snsStatus, retryable: true });
    expect([sandbox.state.push, sandbox.state.sms]).toEqual([[], []]);
  });

  it('timeout: the call is held until the client gives up, and the message is never accepted', async () => {
    only('timeout');
    expect(await failure(push)).toMatchObject({ name: 'TimeoutError', retryable: true });
    expect(await failure(publish)).toMatchObject({ name: 'TimeoutError', retryable: true });
    expect([sandbox.state.push, sandbox.state.sms]).toEqual([[], []]);
    expect(sandbox.state.tally.faults).toMatchObject({ 'Pinpoint SendMessages': { timeout: 1 }, 'SNS Publish': { timeout: 1 } });
  });

  it('address failure: the call succeeds, the device was not reached, and the push adapter asks for a retry', async () => {
    only('address_failure');
    const result = await new PinpointPushSender(pinpoint, { applicationId: 'app' }).send({
      requestId: 'r-1',
      customerId: 'c-1',
      template: 't',
      category: 'marketing',
      topic: 'promotions',
      tokens: [{ token: 'token-1', platform: 'APNS', status: 'active' }],
      content: { title: 't', body: 'b', payloadBytes: 2 },
    });
    expect(result).toMatchObject({ outcome: 'FAILED_RETRYABLE' });
    expect(sandbox.state.push[0]?.results.map((r) => r.status)).not.toContain('SUCCESSFUL');
  });

  it('a seeded run of failures meets the retries of one call, and the same seed fails the same calls again', () => {
    const faults = new SeededFaults<'throttle'>({ seed: 11, rate: 1, maxBurst: 3, burstiness: 1, kinds: { throttle: 1 } });
    expect([1, 2, 3].map(() => faults.decide('op', 'same body'))).toEqual(['throttle', 'throttle', 'throttle']);
    const replay = new SeededFaults<'throttle'>({ seed: 11, rate: 0.5, maxBurst: 4, burstiness: 0.5, kinds: { throttle: 1 } });
    const again = new SeededFaults<'throttle'>({ seed: 11, rate: 0.5, maxBurst: 4, burstiness: 0.5, kinds: { throttle: 1 } });
    const calls = Array.from({ length: 200 }, (_, i) => `body ${i % 50}`);
    const decisions = calls.map((c) => replay.decide('op', c));
    expect(calls.map((c) => again.decide('op', c))).toEqual(decisions);
    expect(decisions.filter(Boolean).length).toBeGreaterThan(20);
    expect(decisions.filter((d) => d === undefined).length).toBeGreaterThan(20);
  });
});
