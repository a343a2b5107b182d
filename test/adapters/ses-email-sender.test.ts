import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../functions/adapters/ses-email-sender.js';
import { REQUEST_ID_HEADER } from '../../functions/core/feedback/ses.js';
import { readUnsubscribeToken } from '../../functions/adapters/unsubscribe-token.js';
import type { OutboundMessage } from '../../functions/core/ports.js';
import { awsError } from '../support/aws-errors.js';

const client = new SESv2Client({ region: 'eu-central-1' });
const ses = mockClient(client);
const SECRET = 'test-signing-secret';
const sender = new SesEmailSender(client, {
  fromAddress: 'Shop <news@shop.example>',
  configurationSetName: 'switchboard',
  unsubscribeBaseUrl: 'https://shop.example/unsubscribe?lang=de',
  unsubscribeSecret: SECRET,
});

function email(overrides: Partial<OutboundMessage<'email'>> = {}): OutboundMessage<'email'> {
  return {
    requestId: 'cart:2026-11-24.r1',
    customerId: 'c-1001',
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    to: 'lena@example.com',
    content: { subject: 'Still thinking?', html: '<p>Your boots</p>', text: 'Your boots' },
    ...overrides,
  };
}

function header(name: string): string | undefined {
  return ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers?.find((h) => h.Name === name)?.Value;
}

beforeEach(() => ses.reset());

describe('SesEmailSender', () => {
  it('sends simple content through the configuration set with sanitised tags and the raw requestId in a header', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    expect(await sender.send(email())).toEqual({ outcome: 'SENT', providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'Shop <news@shop.example>',
      Destination: { ToAddresses: ['lena@example.com'] },
      ConfigurationSetName: 'switchboard',
      Content: {
        Simple: {
          Subject: { Data: 'Still thinking?', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>Your boots</p>', Charset: 'UTF-8' }, Text: { Data: 'Your boots', Charset: 'UTF-8' } },
        },
      },
      EmailTags: [
        { Name: 'requestId', Value: 'cart_2026-11-24_r1' },
        { Name: 'template', Value: 'cart-reminder' },
        { Name: 'customerId', Value: 'c-1001' },
        { Name: 'category', Value: 'marketing' },
      ],
    });
    for (const tag of input?.EmailTags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(header(REQUEST_ID_HEADER)).toBe('cart:2026-11-24.r1');
  });

  it('adds RFC 8058 one-click unsubscribe headers to marketing mail, with a signed token naming request, customer and topic', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await sender.send(email());
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = header('List-Unsubscribe')?.match(/^<(https:\/\/[^>]+)>$/)?.[1];
    expect(link).toBeDefined();
    const url = new URL(link as string);
    expect(url.origin + url.pathname).toBe('https://shop.example/unsubscribe');
    expect(url.searchParams.get('lang')).toBe('de');
    const token = url.searchParams.get('token') ?? '';
    expect(readUnsubscribeToken(token, SECRET)).toEqual({ requestId: 'cart:2026-11-24.r1', customerId: 'c-1001', topic: 'promotions' });
    expect(readUnsubscribeToken(token, 'another-secret')).toBeUndefined();
  });

  it('leaves unsubscribe headers off transactional mail', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    await sender.send(email({ category: 'transactional', topic: 'order-updates' }));
    expect(header('List-Unsubscribe')).toBeUndefined();
    expect(header('List-Unsubscribe-Post')).toBeUndefined();
    expect(header(REQUEST_ID_HEADER)).toBe('cart:2026-11-24.r1');
  });

  it.each([
    ['TooManyRequestsException', 429, 'FAILED_RETRYABLE', 'EMAIL_THROTTLED'],
    ['LimitExceededException', 400, 'FAILED_RETRYABLE', 'EMAIL_THROTTLED'],
    ['InternalServiceErrorException', 500, 'FAILED_RETRYABLE', 'EMAIL_PROVIDER_UNAVAILABLE'],
    ['MessageRejected', 400, 'FAILED_PERMANENT', 'EMAIL_REJECTED'],
    ['MailFromDomainNotVerifiedException', 400, 'FAILED_PERMANENT', 'EMAIL_SENDER_NOT_VERIFIED'],
    ['AccountSuspendedException', 400, 'FAILED_PERMANENT', 'EMAIL_ACCOUNT_SUSPENDED'],
    ['SendingPausedException', 400, 'FAILED_PERMANENT', 'EMAIL_SENDING_PAUSED'],
    ['BadRequestException', 400, 'FAILED_PERMANENT', 'EMAIL_BAD_REQUEST'],
    ['NotFoundException', 404, 'FAILED_PERMANENT', 'EMAIL_CONFIGURATION_NOT_FOUND'],
    ['AccessDeniedException', 403, 'FAILED_PERMANENT', 'EMAIL_NOT_AUTHORIZED'],
  ])('returns %s (HTTP %s) as %s %s instead of throwing', async (name, status, outcome, code) => {
    ses.on(SendEmailCommand).rejects(awsError(name, { status, message: 'refused lena@example.com' }));
    const result = await sender.send(email());
    expect(result).toMatchObject({ outcome, code });
    expect(JSON.stringify(result)).not.toContain('lena@example.com');
  });

  it('refuses an unusable unsubscribe base URL at construction', () => {
    expect(() => new SesEmailSender(client, { fromAddress: 'a@b.example', configurationSetName: 'x', unsubscribeBaseUrl: 'not a url' })).toThrow();
  });
});
