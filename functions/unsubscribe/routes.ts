import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRetryable } from '../core/errors.js';
import type { FeedbackDeps } from '../core/feedback/apply.js';
import { unsubscribeByLink } from '../core/feedback/unsubscribe.js';
import { MAX_TOKEN_CHARS, type UnsubscribeTarget } from '../core/links.js';
import type { LinkCheck, LinkSigner } from '../core/ports.js';
import { isWellFormed } from '../core/problem-bounds.js';
import { isCustomerId, isRequestId } from '../core/request.js';
import { MAX_TOPIC_LENGTH } from '../core/topics.js';
import { problem } from '../http/responses.js';
import { confirmPage, donePage, invalidPage } from './page.js';

type Result = APIGatewayProxyStructuredResultV2;

export interface UnsubscribeDeps {
  feedback: FeedbackDeps;
  /** Checks the link's signature, key, purpose and expiry; without keys it accepts nothing. */
  links: LinkSigner;
  log: Pick<Logger, 'info' | 'error'>;
}

const INVALID_LINK = 'This unsubscribe link is not valid.';
const EXPIRED_LINK = 'This unsubscribe link has expired. The link in a more recent email will work.';
const NOT_CONFIGURED = 'This unsubscribe link cannot be checked: the service has no signing keys configured. Please contact us to unsubscribe.';

/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs `List-Unsubscribe=One-Click` to the URL
 * from the `List-Unsubscribe` header, whose `token` names the request, customer and topic and is
 * signed by the email sender. Public endpoint: the signature is the only authority. Bad input is
 * a 4xx: an HTML page for a person's browser, a JSON problem list for anything else.
 */
export async function routeUnsubscribe(event: APIGatewayProxyEventV2, deps: UnsubscribeDeps): Promise<Result> {
  const refuse = refusal(event);
  const token = event.queryStringParameters?.token;
  if (!token || token.length > MAX_TOKEN_CHARS) return refuse(400, 'INVALID_TOKEN', INVALID_LINK, 'query.token');
  let check: LinkCheck;
  try {
    check = await deps.links.verify(token, 'unsubscribe', deps.feedback.clock.now());
  } catch (error) {
    if (!isRetryable(error)) throw error;
    return refuse(503, 'UNAVAILABLE', 'Please try again in a moment.', '');
  }
  if (!check.ok) return refuseLink(check.code, refuse, deps);
  const claims = check.claims.purpose === 'unsubscribe' ? check.claims : undefined;
  if (!claims || !plausible(claims)) return refuse(400, 'INVALID_TOKEN', INVALID_LINK, 'query.token');
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

/**
 * Fail closed: with no usable keys nothing is accepted. That is a deployment fault, not the
 * sender's, yet it is answered 403 rather than 5xx: a mail provider retrying its one-click POST
 * could not change the answer, and a person is told plainly what to do instead.
 */
function refuseLink(code: string, refuse: ReturnType<typeof refusal>, deps: UnsubscribeDeps): Result {
  if (code === 'NOT_CONFIGURED') {
    deps.log.error('an unsubscribe link was refused: no usable link signing keys are configured');
    return refuse(403, 'LINKS_NOT_CONFIGURED', NOT_CONFIGURED, 'query.token');
  }
  if (code === 'EXPIRED') return refuse(400, 'EXPIRED_TOKEN', EXPIRED_LINK, 'query.token');
  return refuse(400, 'INVALID_TOKEN', INVALID_LINK, 'query.token');
}

/** Claims we signed hold ids we issued; a legacy token (see link-tokens) is checked for them too. */
function plausible(claims: UnsubscribeTarget): boolean {
  return isRequestId(claims.requestId) && isCustomerId(claims.customerId) && claims.topic.length > 0 && claims.topic.length <= MAX_TOPIC_LENGTH && isWellFormed(claims.topic);
}

function refusal(event: APIGatewayProxyEventV2) {
  const html = /text\/html/i.test(header(event, 'accept') ?? '');
  return (status: number, code: string, message: string, path: string): Result => (html ? invalidPage(status, message) : problem(status, code, message, [{ path, message }]));
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event invoked directly, not through API Gateway, may carry no headers.
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/** The body is form-encoded (or multipart) and may arrive base64-encoded from API Gateway. */
function isOneClick(event: APIGatewayProxyEventV2): boolean {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click' || /name="List-Unsubscribe"\s+One-Click/i.test(body);
}
