import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRetryable, type SwitchboardError } from '../core/errors.js';
import { INBOX_ACTIONS, type InboxAction, readAppPushEvent } from '../core/feedback/app.js';
import { type InboxDeps, type InboxMessage, markInboxMessage, reportPushEngagement } from '../core/feedback/inbox.js';
import { isCustomerId, isRequestId } from '../core/request.js';
import { decodePathSegment, invalidCursor, isRefusedCursor, isResult, json, problem, readCursor, readJsonBody, readLimit, withoutStage } from '../http/responses.js';

type Result = APIGatewayProxyStructuredResultV2;
type Log = Pick<Logger, 'warn'>;

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 50;
/** `{ "requestId", "event" }` is a few dozen bytes. */
export const MAX_EVENT_BODY_BYTES = 4 * 1024;

const MARK = new RegExp(`^/inbox/([^/]+)/(${INBOX_ACTIONS.join('|')})/?$`);
/** The inbox sort key: the ISO time the message was sent, `#`, its request id. */
const SENT_AT = /^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INVALID_CURSOR = 'the cursor is not one this API returned';

/**
 * Routes on the raw path (less a named stage), so it does not depend on how the stack declares
 * its routes. The customer is the JWT's `sub` and nothing else: no path or body field can name
 * another customer. Bad input is a 4xx listing its problems, never an error.
 */
export async function routeInbox(event: APIGatewayProxyEventV2WithJWTAuthorizer, deps: InboxDeps, log: Log): Promise<Result> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a route without an authorizer gets no authorizer context, whatever the event type says.
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (!isCustomerId(sub)) return problem(401, 'UNAUTHENTICATED', 'the token names no customer');
  const method = event.requestContext.http.method.toUpperCase();
  const path = withoutStage(event.rawPath, event.requestContext.stage);
  try {
    if (method === 'GET' && /^\/inbox\/?$/.test(path)) return await list(sub, event.queryStringParameters ?? {}, deps);
    const mark = MARK.exec(path);
    if (method === 'POST' && mark) return await markMessage(sub, mark[1] as string, mark[2] as InboxAction, deps);
    if (method === 'POST' && /^\/events\/?$/.test(path)) return await pushEvent(sub, event, deps);
    return problem(404, 'NOT_FOUND', 'no such route');
  } catch (error) {
    if (!isRetryable(error)) throw error;
    log.warn('inbox request failed, retryable', { code: (error as SwitchboardError).code });
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

async function list(customerId: string, query: Record<string, string | undefined>, deps: InboxDeps): Promise<Result> {
  const limit = readLimit(query.limit, DEFAULT_PAGE, MAX_PAGE);
  if (typeof limit !== 'number') return limit;
  const cursor = readCursor(query.cursor, INVALID_CURSOR);
  if (isResult(cursor)) return cursor;
  const now = deps.clock.now();
  try {
    const [page, unreadCount] = await Promise.all([deps.inbox.list(customerId, { limit, ...cursor }, now), deps.inbox.unreadCount(customerId, now)]);
    return json(200, { items: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}), unreadCount });
  } catch (error) {
    if (isRefusedCursor(error, cursor)) return invalidCursor(INVALID_CURSOR);
    throw error;
  }
}

async function markMessage(customerId: string, segment: string, action: InboxAction, deps: InboxDeps): Promise<Result> {
  const id = decodePathSegment(segment, 'id');
  if (typeof id !== 'string') return id;
  if (!isInboxMessageId(id)) {
    const message = 'id must be a message id from GET /inbox or a request id';
    return problem(400, 'INVALID_ID', message, [{ path: 'path.id', message }]);
  }
  const result = await markInboxMessage({ customerId, id, action }, deps);
  return result.found ? json(200, { item: view(result.message) }) : problem(404, 'NOT_FOUND', 'no such message in your inbox');
}

/** A request id, or the `<sent at>#<request id>` sort key the list returns as `id`. */
function isInboxMessageId(id: string): boolean {
  const hash = id.indexOf('#');
  if (hash < 0) return isRequestId(id);
  return SENT_AT.test(id.slice(0, hash)) && isRequestId(id.slice(hash + 1));
}

async function pushEvent(customerId: string, event: APIGatewayProxyEventV2WithJWTAuthorizer, deps: InboxDeps): Promise<Result> {
  const body = readJsonBody(event, MAX_EVENT_BODY_BYTES);
  if (isResult(body)) return body;
  const parsed = readAppPushEvent(body.value);
  if (!parsed.ok) {
    const problems = parsed.problems.map((p) => ({ path: p.path ? `body.${p.path}` : 'body', message: p.message }));
    return problem(400, 'INVALID_EVENT', 'expected { "requestId": string, "event": "opened" | "clicked" }', problems);
  }
  const outcome = await reportPushEngagement({ customerId, requestId: parsed.requestId, kind: parsed.kind }, deps);
  if (outcome.outcome === 'unmatched' || outcome.outcome === 'mismatch') return problem(404, 'NOT_FOUND', 'no such push notification of yours');
  return json(202, { accepted: true });
}

/** What the app shows; the sort key is the message's id. */
function view(message: InboxMessage) {
  return {
    id: message.sk,
    requestId: message.requestId,
    title: message.title,
    body: message.body,
    ...(message.action ? { action: message.action } : {}),
    status: message.status,
    createdAt: message.createdAt,
    ...(message.readAt ? { readAt: message.readAt } : {}),
    ...(message.clickedAt ? { clickedAt: message.clickedAt } : {}),
  };
}
