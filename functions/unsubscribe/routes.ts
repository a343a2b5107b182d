import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readUnsubscribeToken, type UnsubscribeClaims } from '../adapters/unsubscribe-token.js';
import { isRetryable } from '../core/errors.js';
import type { FeedbackDeps } from '../core/feedback/apply.js';
import { unsubscribeByLink } from '../core/feedback/unsubscribe.js';
import { isWellFormed } from '../core/problem-bounds.js';
import { isCustomerId, isRequestId } from '../core/request.js';
import { problem } from '../http/responses.js';
import { confirmPage, donePage, invalidPage } from './page.js';

type Result = APIGatewayProxyStructuredResultV2;

export interface UnsubscribeDeps {
  feedback: FeedbackDeps;
  secret?: string;
  log: Pick<Logger, 'info'>;
}

/** Links we issue are a few hundred characters; a longer token is not one of ours. */
export const MAX_TOKEN_CHARS = 2048;
const MAX_TOPIC = 128;
const INVALID_LINK = 'This unsubscribe link is not valid.';

/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs `List-Unsubscribe=One-Click` to the URL
 * from the `List-Unsubscribe` header, whose `token` names the request, customer and topic and is
 * signed by the email sender. Public endpoint: the signature is the only authority. Bad input is
 * a 4xx: an HTML page for a person's browser, a JSON problem list for anything else.
 */
export async function routeUnsubscribe(event: APIGatewayProxyEventV2, deps: UnsubscribeDeps): Promise<Result> {
  const refuse = refusal(event);
  const token = event.queryStringParameters?.token;
  const claims = token && token.length <= MAX_TOKEN_CHARS ? readUnsubscribeToken(token, deps.secret) : undefined;
  if (!token || !claims || !plausible(claims)) return refuse(400, 'INVALID_TOKEN', INVALID_LINK, 'query.token');
  const method = event.requestContext.http.method.toUpperCase();
  if (method === 'GET') return confirmPage(claims.topic, `?token=${encodeURIComponent(token)}`);
  if (method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'Use the button on the unsubscribe page.', '');
  if (!isOneClick(event)) return refuse(400, 'NOT_ONE_CLICK', 'The request is missing List-Unsubscribe=One-Click.', 'body');
  try {
    const outcome = await unsubscribeByLink(claims, deps.feedback);
    if (outcome.outcome === 'mismatch') return refuse(400, 'INVALID_TOKEN', INVALID_LINK, 'query.token');
    deps.log.info('one-click unsubscribe', { outcome: outcome.outcome, topic: claims.topic });
    return donePage(claims.topic);
  } catch (error) {
    if (!isRetryable(error)) throw error;
    return refuse(503, 'UNAVAILABLE', 'Please try again in a moment.', '');
  }
}

/** Claims we signed are always valid ids; an unsigned token (local mode) could carry anything. */
function plausible(claims: UnsubscribeClaims): boolean {
  return isRequestId(claims.requestId) && isCustomerId(claims.customerId) && claims.topic.length > 0 && claims.topic.length <= MAX_TOPIC && isWellFormed(claims.topic);
}

function refusal(event: APIGatewayProxyEventV2) {
  const html = /text\/html/i.test(header(event, 'accept') ?? '');
  return (status: number, code: string, message: string, path: string): Result => (html ? invalidPage(status, message) : problem(status, code, message, [{ path, message }]));
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/** The body is form-encoded (or multipart) and may arrive base64-encoded from API Gateway. */
function isOneClick(event: APIGatewayProxyEventV2): boolean {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click' || /name="List-Unsubscribe"\s+One-Click/i.test(body);
}
