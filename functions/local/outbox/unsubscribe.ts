import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, requestUrl, sendJson } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';

/**
 * `/unsubscribe`: where marketing emails' List-Unsubscribe links point in local mode, served by
 * the unsubscribe Lambda's own handler behind an API Gateway-shaped event.
 */
export async function unsubscribeEndpoint(system: LocalSystem, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req);
  const body = await readBody(req);
  const answer = await system.unsubscribeApi({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body } : {}),
    headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', ...(req.headers.accept ? { accept: req.headers.accept } : {}) },
  });
  res.writeHead(answer.statusCode, answer.headers);
  res.end(answer.body);
}

/** What a mail client does for "Unsubscribe" on a message with RFC 8058 headers: one POST to the link. */
export async function oneClickUnsubscribe(system: LocalSystem, res: ServerResponse, messageId: string): Promise<void> {
  const email = (await system.ses.emails()).find((e) => e.messageId === messageId);
  const link = email?.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value.replace(/^<|>$/g, '');
  if (!link) return sendJson(res, 404, { message: 'this email has no List-Unsubscribe link (transactional mail has none)' });
  const response = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  sendJson(res, response.ok ? 200 : 502, { status: response.status });
}
