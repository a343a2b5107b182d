import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readUnsubscribeToken } from '../adapters/unsubscribe-token.js';
import { isRetryable } from '../core/errors.js';
import { unsubscribeByLink } from '../core/feedback/unsubscribe.js';
import { composeFeedback } from '../feedback/composition.js';
import { readUnsubscribeConfig } from '../feedback/config.js';
import { confirmPage, donePage, invalidPage } from './page.js';

export const SERVICE_NAME = 'switchboard-unsubscribe';

// Cold start: configuration validated and clients built once, reused by every invocation.
const config = readUnsubscribeConfig(process.env);
const { deps, logger } = composeFeedback(config, SERVICE_NAME);
if (!config.unsubscribeSecret) logger.warn('unsubscribe links are not signed: fit for local mode only');

/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs `List-Unsubscribe=One-Click` to the URL
 * from the `List-Unsubscribe` header, whose `token` names the request, customer and topic and is
 * signed by the email sender. Public endpoint: the signature is the only authority.
 */
async function unsubscribe(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.queryStringParameters?.token;
  const claims = token ? readUnsubscribeToken(token, config.unsubscribeSecret) : undefined;
  if (!claims) return invalidPage(400, 'This unsubscribe link is not valid.');
  const method = event.requestContext.http.method.toUpperCase();
  if (method === 'GET') return confirmPage(claims.topic, `?token=${encodeURIComponent(token as string)}`);
  if (method !== 'POST') return invalidPage(405, 'Use the button on the unsubscribe page.');
  if (!isOneClick(event)) return invalidPage(400, 'The request is missing List-Unsubscribe=One-Click.');
  try {
    const outcome = await unsubscribeByLink(claims, deps);
    if (outcome.outcome === 'mismatch') return invalidPage(400, 'This unsubscribe link is not valid.');
    logger.info('one-click unsubscribe', { outcome: outcome.outcome, topic: claims.topic });
    return donePage(claims.topic);
  } catch (error) {
    if (!isRetryable(error)) throw error;
    return invalidPage(503, 'Please try again in a moment.');
  }
}

/** The body is form-encoded (or multipart) and may arrive base64-encoded from API Gateway. */
function isOneClick(event: APIGatewayProxyEventV2): boolean {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click' || /name="List-Unsubscribe"\s+One-Click/i.test(body);
}

export const handler = middy(unsubscribe).use(injectLambdaContext(logger));
