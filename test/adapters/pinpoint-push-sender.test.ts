import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PinpointPushSender } from '../../functions/adapters/pinpoint-push-sender.js';
import type { PushToken } from '../../functions/core/model.js';
import type { OutboundMessage } from '../../functions/core/ports.js';
import { awsError } from '../support/aws-errors.js';

const client = new PinpointClient({ region: 'eu-central-1' });
const pinpoint = mockClient(client);
const sender = new PinpointPushSender(client, { applicationId: 'app-1', deepLinkScheme: 'shop' });

function push(tokens: PushToken[], url?: string): OutboundMessage<'push'> {
  return {
    requestId: 'r-1',
    customerId: 'c-1',
    template: 'in-store',
    category: 'marketing',
    topic: 'promotions',
    tokens,
    content: { title: 'Hi', body: 'You are near', payloadBytes: 120, ...(url ? { url } : {}) },
  };
}
const apns = (token: string): PushToken => ({ token, platform: 'APNS', status: 'active' });

function answer(results: Record<string, { DeliveryStatus: string; MessageId?: string; UpdatedToken?: string; StatusMessage?: string }>) {
  pinpoint.on(SendMessagesCommand).resolves({
    MessageResponse: {
      ApplicationId: 'app-1',
      Result: Object.fromEntries(Object.entries(results).map(([token, r]) => [token, { StatusCode: 200, ...r } as never])),
    },
  });
}

beforeEach(() => pinpoint.reset());

describe('PinpointPushSender request', () => {
  it('addresses every live token by its raw value and channel type, with the same notification for APNs and FCM', async () => {
    answer({ t1: { DeliveryStatus: 'SUCCESSFUL', MessageId: 'm-1' }, t2: { DeliveryStatus: 'SUCCESSFUL' }, t3: { DeliveryStatus: 'SUCCESSFUL' } });
    await sender.send(
      push(
        [apns('t1'), { token: 't2', platform: 'GCM' }, { token: 't3', platform: 'APNS_SANDBOX' }, { token: 'dead', platform: 'GCM', status: 'suppressed' }],
        'https://shop.example/p/1',
      ),
    );
    const input = pinpoint.commandCalls(SendMessagesCommand)[0]?.args[0].input;
    expect(input?.ApplicationId).toBe('app-1');
    expect(input?.MessageRequest?.Addresses).toEqual({ t1: { ChannelType: 'APNS' }, t2: { ChannelType: 'GCM' }, t3: { ChannelType: 'APNS_SANDBOX' } });
    const expected = { Title: 'Hi', Body: 'You are near', Action: 'URL', Url: 'https://shop.example/p/1', Data: { requestId: 'r-1' } };
    expect(input?.MessageRequest?.MessageConfiguration).toEqual({ APNSMessage: expected, GCMMessage: expected });
  });

  it('opens app deep links in the app, and just opens the app without a URL', async () => {
    answer({ t1: { DeliveryStatus: 'SUCCESSFUL' } });
    await sender.send(push([apns('t1')], 'shop://cart'));
    await sender.send(push([apns('t1')]));
    const [deep, plain] = pinpoint.commandCalls(SendMessagesCommand).map((c) => c.args[0].input.MessageRequest?.MessageConfiguration?.APNSMessage);
    expect(deep).toMatchObject({ Action: 'DEEP_LINK', Url: 'shop://cart' });
    expect(plain?.Action).toBe('OPEN_APP');
    expect(plain).not.toHaveProperty('Url');
  });

  it('does not call the provider when no live token is left', async () => {
    const result = await sender.send(push([{ token: 'x', platform: 'GCM', status: 'suppressed' }]));
    expect(result).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'PUSH_NO_LIVE_TOKEN' });
    expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(0);
  });
});

describe('PinpointPushSender per-address results', () => {
  it('is SENT when any token succeeds, retiring dead tokens and renewing updated ones on the way', async () => {
    answer({
      ok: { DeliveryStatus: 'SUCCESSFUL', MessageId: 'm-ok', UpdatedToken: 'ok-v2' },
      gone: { DeliveryStatus: 'PERMANENT_FAILURE', StatusMessage: 'BadDeviceToken gone' },
      off: { DeliveryStatus: 'OPT_OUT' },
      slow: { DeliveryStatus: 'THROTTLED' },
    });
    expect(await sender.send(push([apns('ok'), apns('gone'), apns('off'), apns('slow')]))).toEqual({
      outcome: 'SENT',
      providerMessageId: 'm-ok',
      addressChanges: [
        { channel: 'push', token: 'ok', kind: 'token_renewed', newToken: 'ok-v2' },
        { channel: 'push', token: 'gone', kind: 'token_dead' },
        { channel: 'push', token: 'off', kind: 'token_dead' },
      ],
    });
  });

  it('treats DUPLICATE as already delivered', async () => {
    answer({ t1: { DeliveryStatus: 'DUPLICATE' } });
    expect(await sender.send(push([apns('t1')]))).toEqual({ outcome: 'SENT' });
  });

  it.each([
    ['THROTTLED', 'PUSH_THROTTLED'],
    ['TEMPORARY_FAILURE', 'PUSH_TEMPORARY_FAILURE'],
    ['UNKNOWN_FAILURE', 'PUSH_TEMPORARY_FAILURE'],
  ])('is retryable when nothing succeeded and one token answered %s, still reporting dead tokens', async (status, code) => {
    answer({ a: { DeliveryStatus: status }, b: { DeliveryStatus: 'PERMANENT_FAILURE' } });
    expect(await sender.send(push([apns('a'), apns('b')]))).toEqual({
      outcome: 'FAILED_RETRYABLE',
      code,
      message: `1 ${status}, 1 PERMANENT_FAILURE`,
      addressChanges: [{ channel: 'push', token: 'b', kind: 'token_dead' }],
    });
  });

  it('is permanent when every token is dead or opted out', async () => {
    answer({ a: { DeliveryStatus: 'PERMANENT_FAILURE' }, b: { DeliveryStatus: 'OPT_OUT' } });
    const result = await sender.send(push([apns('a'), apns('b')]));
    expect(result).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'PUSH_NO_LIVE_TOKEN' });
    expect(result.addressChanges?.map((c) => c.kind)).toEqual(['token_dead', 'token_dead']);
  });

  it('counts a token missing from the answer as unconfirmed, hence retryable', async () => {
    answer({});
    expect(await sender.send(push([apns('a')]))).toMatchObject({ outcome: 'FAILED_RETRYABLE', code: 'PUSH_TEMPORARY_FAILURE' });
  });
});

describe('PinpointPushSender call failures', () => {
  it.each([
    ['TooManyRequestsException', 429, 'FAILED_RETRYABLE', 'PUSH_THROTTLED'],
    ['InternalServerErrorException', 500, 'FAILED_RETRYABLE', 'PUSH_PROVIDER_UNAVAILABLE'],
    ['BadRequestException', 400, 'FAILED_PERMANENT', 'PUSH_BAD_REQUEST'],
    ['ForbiddenException', 403, 'FAILED_PERMANENT', 'PUSH_NOT_AUTHORIZED'],
    ['AccessDeniedException', 403, 'FAILED_PERMANENT', 'PUSH_NOT_AUTHORIZED'],
    ['NotFoundException', 404, 'FAILED_PERMANENT', 'PUSH_APPLICATION_NOT_FOUND'],
    ['PayloadTooLargeException', 413, 'FAILED_PERMANENT', 'PUSH_PAYLOAD_TOO_LARGE'],
  ])('returns %s (HTTP %s) as %s %s', async (name, status, outcome, code) => {
    pinpoint.on(SendMessagesCommand).rejects(awsError(name, { status }));
    expect(await sender.send(push([apns('a')]))).toMatchObject({ outcome, code });
  });
});
