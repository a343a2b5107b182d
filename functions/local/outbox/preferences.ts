import type { IncomingMessage, ServerResponse } from 'node:http';
import { codeOf } from '../../core/errors.js';
import { PREFERENCES_API_PATH } from '../../definitions/paths.js';
import { readBody, requestUrl, sendJson } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';

/**
 * `/preference-centre`: the page `{{ preferences_url }}` links open, served by the preferences
 * Lambda's own handler behind an API Gateway-shaped event, with no authorizer (a public route).
 */
export async function preferenceCentreEndpoint(system: LocalSystem, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req);
  const body = await readBody(req);
  const answer = await system.preferencesApi({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body } : {}),
    headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
  });
  res.writeHead(answer.statusCode, answer.headers);
  res.end(answer.body);
}

/** The outbox's "Preferences" link on a customer card: a freshly signed link, followed at once. */
export async function openPreferenceCentre(system: LocalSystem, res: ServerResponse, customerId: string): Promise<void> {
  try {
    const link = new URL(await system.preferencesLink(customerId));
    res.writeHead(303, { location: `${link.pathname}${link.search}`, 'cache-control': 'no-store' });
    res.end();
  } catch (error) {
    sendJson(res, 503, { message: `no preference link can be signed (${codeOf(error)})` });
  }
}

/** The app's `GET`/`PUT /preferences`, signed in as the customer, for trying the API from the outbox's local API. */
export async function appPreferences(system: LocalSystem, req: IncomingMessage, res: ServerResponse, customerId: string): Promise<void> {
  const body = await readBody(req);
  const answer = await system.preferencesApi({ method: req.method ?? 'GET', path: PREFERENCES_API_PATH, sub: customerId, ...(body ? { body } : {}) });
  res.writeHead(answer.statusCode, answer.headers);
  res.end(answer.body);
}
