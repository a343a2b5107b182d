import type { IncomingMessage, ServerResponse } from 'node:http';
import { codeOf } from '../../core/errors.js';
import { sendJson } from '../../tooling/loopback-http.js';
import type { LocalSystem } from '../system.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * "Fire now": sends a request's pending wake at once, so a deferral or an escalation step is
 * handled as at its due time without waiting for it. Only the page itself may ask (a request
 * from another site, or to a name other than loopback, is refused); an unknown request or one
 * with nothing pending is a 4xx that says so.
 */
export async function fireNow(system: Pick<LocalSystem, 'wakes' | 'deliveries'>, req: IncomingMessage, res: ServerResponse, rawRequestId: string): Promise<void> {
  if (!fromThisPage(req)) return sendJson(res, 403, { message: 'only the outbox page, opened on this machine, may fire a wake' });
  const requestId = decoded(rawRequestId);
  if (requestId === undefined) return sendJson(res, 400, { message: 'the request id in the path is not validly encoded' });
  try {
    if (system.wakes.pending(requestId).length === 0) {
      const record = await system.deliveries.get(requestId);
      if (!record) return sendJson(res, 404, { message: `no request ${requestId}`, requestId });
      return sendJson(res, 409, { message: `request ${requestId} has nothing waiting to fire (it is ${record.status})`, requestId, status: record.status });
    }
    const fired = await system.wakes.firePending(requestId);
    sendJson(res, 202, { requestId, fired: fired.map((wake) => ({ kind: wake.kind, token: wake.token, due: wake.due.toISOString(), earlyByMs: wake.earlyByMs })) });
  } catch (error) {
    sendJson(res, 503, { message: `the local system could not fire the wake of ${requestId} (${codeOf(error)})`, requestId });
  }
}

/**
 * The server listens on loopback only; this also keeps out a page on another site (its Origin)
 * and a name that merely resolves to loopback (its Host), which could otherwise reach it.
 */
function fromThisPage(req: IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  const hostname = host.replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(hostname)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
