import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { isRetryable, PermanentError } from '../core/errors.js';
import { APP_PUSH_EVENTS, INBOX_ACTIONS, type InboxAction } from '../core/feedback/app.js';
import { type InboxDeps, type InboxMessage, markInboxMessage, reportPushEngagement } from '../core/feedback/inbox.js';
import { json, jsonBody, problem, readLimit, withoutStage } from '../http/responses.js';

type Result = APIGatewayProxyStructuredResultV2;
type Log = Pick<Logger, 'warn'>;

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 50;

const pushEventSchema = z.strictObject({ requestId: z.string().min(1).max(128), event: z.enum(APP_PUSH_EVENTS) });
const MARK = new RegExp(`^/inbox/([^/]+)/(${INBOX_ACTIONS.join('|')})/?$`);

/**
 * Routes on the raw path (less a named stage), so it does not depend on how the stack declares
 * its routes. The customer is the JWT's `sub` and nothing else: no path or body field can name
 * another customer.
 */
export async function routeInbox(event: APIGatewayProxyEventV2WithJWTAuthorizer, deps: InboxDeps, log: Log): Promise<Result> {
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub === '') return problem(401, 'UNAUTHENTICATED', 'the token names no customer');
  const method = event.requestContext.http.method.toUpperCase();
  const path = withoutStage(event.rawPath, event.requestContext.stage);
  try {
    if (method === 'GET' && /^\/inbox\/?$/.test(path)) return await list(sub, event.queryStringParameters ?? {}, deps);
    const mark = MARK.exec(path);
    if (method === 'POST' && mark) return await markMessage(sub, decodeURIComponent(mark[1] as string), mark[2] as InboxAction, deps);
    if (method === 'POST' && /^\/events\/?$/.test(path)) return await pushEvent(sub, jsonBody(event), deps);
    return problem(404, 'NOT_FOUND', 'no such route');
  } catch (error) {
    if (error instanceof PermanentError && error.code === 'INVALID_CURSOR') return problem(400, 'INVALID_CURSOR', 'the cursor is not one this API returned');
    if (!isRetryable(error)) throw error;
    log.warn('inbox request failed, retryable', { code: (error as PermanentError).code });
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

async function list(customerId: string, query: Record<string, string | undefined>, deps: InboxDeps): Promise<Result> {
  const limit = readLimit(query.limit, DEFAULT_PAGE, MAX_PAGE);
  if (typeof limit !== 'number') return limit;
  const now = deps.clock.now();
  const [page, unreadCount] = await Promise.all([
    deps.inbox.list(customerId, { limit, ...(query.cursor ? { cursor: query.cursor } : {}) }, now),
    deps.inbox.unreadCount(customerId, now),
  ]);
  return json(200, { items: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}), unreadCount });
}

async function markMessage(customerId: string, id: string, action: InboxAction, deps: InboxDeps): Promise<Result> {
  const result = await markInboxMessage({ customerId, id, action }, deps);
  return result.found ? json(200, { item: view(result.message) }) : problem(404, 'NOT_FOUND', 'no such message in your inbox');
}

async function pushEvent(customerId: string, body: unknown, deps: InboxDeps): Promise<Result> {
  const parsed = pushEventSchema.safeParse(body);
  if (!parsed.success) return problem(400, 'INVALID_EVENT', 'expected { "requestId": string, "event": "opened" | "clicked" }');
  const outcome = await reportPushEngagement({ customerId, requestId: parsed.data.requestId, kind: parsed.data.event }, deps);
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
