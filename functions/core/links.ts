import type { LinkClaims, LinkSigner } from './ports.js';

const DAY_MS = 86_400_000;

/**
 * How long a signed link works. An unsubscribe link must keep working as long as anyone might
 * still act on the email (mail sits in inboxes for months; RFC 8058 senders and mailbox providers
 * expect the link to outlive any campaign), so it lives as long as the delivery record it names.
 * A preference link opens a page that shows and changes every choice, so it lives shorter; each
 * new message carries a fresh one.
 */
export const LINK_LIFETIME_DAYS = { unsubscribe: 400, preferences: 90 } as const satisfies Record<LinkClaims['purpose'], number>;

/** Links we issue are a few hundred characters; a longer token is not one of ours. */
export const MAX_TOKEN_CHARS = 2048;

/** The variables a template may use for the links every message can carry. */
export const LINK_VARIABLES = ['preferences_url', 'unsubscribe_url'] as const;
export type LinkVariable = (typeof LINK_VARIABLES)[number];

/** Where the links point: the token is added as `?token=`, after any query the base URL has. */
export interface LinkEndpoints {
  unsubscribeBaseUrl: string;
  preferencesBaseUrl: string;
}

export interface LinkSettings extends LinkEndpoints {
  signer: LinkSigner;
}

/** What a one-click unsubscribe link names: the message, its customer and its consent topic. */
export type UnsubscribeTarget = Pick<Extract<LinkClaims, { purpose: 'unsubscribe' }>, 'requestId' | 'customerId' | 'topic'>;

export function unsubscribeClaims(target: UnsubscribeTarget, now: Date): LinkClaims {
  return { purpose: 'unsubscribe', ...pick(target), expiresAt: now.getTime() + LINK_LIFETIME_DAYS.unsubscribe * DAY_MS };
}

export function preferencesClaims(customerId: string, now: Date): LinkClaims {
  return { purpose: 'preferences', customerId, expiresAt: now.getTime() + LINK_LIFETIME_DAYS.preferences * DAY_MS };
}

export async function unsubscribeUrl(signer: LinkSigner, baseUrl: string, target: UnsubscribeTarget, now: Date): Promise<string> {
  return withToken(baseUrl, await signer.sign(unsubscribeClaims(target, now)));
}

export async function preferencesUrl(signer: LinkSigner, baseUrl: string, customerId: string, now: Date): Promise<string> {
  return withToken(baseUrl, await signer.sign(preferencesClaims(customerId, now)));
}

export function withToken(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Only the three names: a wider object passed in must not leak other fields into the token. */
function pick({ requestId, customerId, topic }: UnsubscribeTarget): UnsubscribeTarget {
  return { requestId, customerId, topic };
}
