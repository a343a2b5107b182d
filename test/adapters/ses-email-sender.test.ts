import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../functions/adapters/ses-email-sender.js';
import { REQUEST_ID_HEADER } from '../../functions/core/feedback/ses.js';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import { RetryableError } from '../../functions/core/errors.js';
import type { LinkSigner, OutboundMessage } from '../../functions/core/ports.js';
import { awsError } from '../support/aws-errors.js';
import { KEY_1, KEY_2, ring } from '../support/link-keys.js';

const client = new SESv2Client({ region: 'eu-central-1' });
const ses = mockClient(client);
const NOW = new Date('2026-11-24T12:00:00.000Z');
const links = new MemoryLinkSigner(ring('k1', { k1: KEY_1 }));
const options = (signer: LinkSigner) => ({
  fromAddress: 'Shop <news@shop.example>',
  configurationSetName: 'switchboard',
  unsubscribeBaseUrl: 'https://shop.example/unsubscribe?lang=de',
  signer,
  clock: fixedClock(NOW),
});
const sender = new SesEmailSender(client, options(links));

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

  it('adds RFC 8058 one-click unsubscribe headers to marketing mail, with a signed token naming request, customer and topic for 400 days', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await sender.send(email());
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = header('List-Unsubscribe')?.match(/^<(https:\/\/[^>]+)>$/)?.[1];
    expect(link).toBeDefined();
    const url = new URL(link as string);
    expect(url.origin + url.pathname).toBe('https://shop.example/unsubscribe');
    expect(url.searchParams.get('lang')).toBe('de');
    const token = url.searchParams.get('token') ?? '';
    expect(await links.verify(token, 'unsubscribe', NOW)).toEqual({
      ok: true,
      claims: { purpose: 'unsubscribe', requestId: 'cart:2026-11-24.r1', customerId: 'c-1001', topic: 'promotions', expiresAt: Date.parse('2027-12-29T12:00:00.000Z') },
    });
    expect(await new MemoryLinkSigner(ring('k1', { k1: KEY_2 })).verify(token, 'unsubscribe', NOW)).toEqual({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('never sends marketing mail without an unsubscribe link: with no keys the channel fails permanently, before SES is called', async () => {
    const unconfigured = new SesEmailSender(client, options(new MemoryLinkSigner()));
    expect(await unconfigured.send(email())).toMatchObject({ outcome: 'FAILED_PERMANENT', code: 'EMAIL_NO_UNSUBSCRIBE_LINK' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // Transactional mail carries no unsubscribe link, so it still goes out.
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    expect(await unconfigured.send(email({ category: 'transactional', topic: 'order-updates' }))).toEqual({ outcome: 'SENT', providerMessageId: 'ses-3' });
  });

  it('gives a marketing email back for another try when the keys cannot be read right now', async () => {
    const unavailable: LinkSigner = { sign: () => Promise.reject(new RetryableError('throttled', 'LINK_KEYS_UNAVAILABLE')), verify: () => Promise.reject(new Error('unused')) };
    expect(await new SesEmailSender(client, options(unavailable)).send(email())).toMatchObject({ outcome: 'FAILED_RETRYABLE', code: 'EMAIL_LINK_KEYS_UNAVAILABLE' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
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
    expect(() => new SesEmailSender(client, { ...options(links), unsubscribeBaseUrl: 'not a url' })).toThrow();
  });
});
