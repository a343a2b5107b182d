import type { RenderedPush } from '../templates.js';

/** APNs rejects a notification whose payload is larger than this. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;

/** The APNs payload a rendered push produces; senders use it so the size check stays true. */
export function apnsPayload(push: Pick<RenderedPush, 'title' | 'body' | 'url'>): Record<string, unknown> {
  return {
    aps: { alert: { title: push.title, body: push.body } },
    ...(push.url !== undefined ? { url: push.url } : {}),
  };
}

export function apnsPayloadBytes(push: Pick<RenderedPush, 'title' | 'body' | 'url'>): number {
  return new TextEncoder().encode(JSON.stringify(apnsPayload(push))).length;
}

/**
 * A link opened from a notification or the inbox must land in our web shop over TLS or in our
 * app: anything else (http, javascript:, another app's scheme) is refused. Returns the problem.
 */
export function deepLinkProblem(url: string, appScheme: string | undefined): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not an absolute URL`;
  }
  if (parsed.protocol === 'https:' && parsed.hostname !== '') return undefined;
  if (appScheme !== undefined && parsed.protocol === `${appScheme.toLowerCase()}:`) return undefined;
  const allowed = appScheme !== undefined ? `https: or ${appScheme}:` : 'https:';
  return `"${url}" must use ${allowed}`;
}
