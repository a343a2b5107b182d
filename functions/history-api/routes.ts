import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRetryable } from '../core/errors.js';
import { type ConsentReader, consentProvenance, type DeliveryHistory, type DeliveryLookup, historyEntry } from '../core/history.js';
import { isCustomerId } from '../core/request.js';
import { decodePathSegment, invalidCursor, isRefusedCursor, isResult, json, problem, readCursor, readLimit, withoutStage } from '../http/responses.js';
import { requestStatus } from './status.js';

type Result = APIGatewayProxyStructuredResultV2;

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

const ROUTE = /^\/customers\/([^/]+)\/deliveries\/?$/;
const REQUEST_ROUTE = /^\/requests\/([^/]+)\/?$/;
const INVALID_CURSOR = 'the cursor is not one this API returned for this customer';

export interface HistoryApiDeps {
  history: DeliveryHistory;
  /** One record by its request id, for `GET /requests/{requestId}`. */
  deliveries: DeliveryLookup;
  /** The customer record's consent, listed with every page; without it, the answer has no `consent`. */
  consent?: ConsentReader;
  log: Pick<Logger, 'info'>;
}

/**
 * `GET /customers/{customerId}/deliveries?limit&cursor` for customer service, behind IAM auth on
 * the REST API (Lambda proxy, payload 1.0): newest first, each with its status, timeline and the
 * decision that picked the channel, and every consent decision on the customer record with its
 * source and time (`consent`, newest first: a reader places them between the messages by time).
 * `GET /requests/{requestId}` answers one record in the same shape, for the system that sent it.
 * Bad input is a 4xx listing its problems, never an error.
 */
export async function routeHistory(event: APIGatewayProxyEvent, deps: HistoryApiDeps): Promise<Result> {
  const path = withoutStage(event.path, event.requestContext.stage);
  const get = event.httpMethod.toUpperCase() === 'GET';
  const request = REQUEST_ROUTE.exec(path);
  if (get && request) return requestStatus(request[1] as string, event, deps);
  const match = ROUTE.exec(path);
  if (!get || !match) return problem(404, 'NOT_FOUND', 'no such route');
  const customerId = decodePathSegment(match[1] as string, 'customerId');
  if (typeof customerId !== 'string') return customerId;
  if (!isCustomerId(customerId)) {
    const message = 'customerId must be 1 to 256 characters of well-formed text';
    return problem(400, 'INVALID_CUSTOMER_ID', message, [{ path: 'path.customerId', message }]);
  }
  const query = event.queryStringParameters ?? {};
  const limit = readLimit(query.limit, DEFAULT_PAGE, MAX_PAGE);
  if (typeof limit !== 'number') return limit;
  const cursor = readCursor(query.cursor, INVALID_CURSOR);
  if (isResult(cursor)) return cursor;
  try {
    const [page, consent] = await Promise.all([deps.history.listByCustomer(customerId, { limit, ...cursor }), deps.consent?.consentOf(customerId)]);
    // Who looked at whose messages: access to personal history is audited.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event invoked directly, not through API Gateway, may carry no identity; the audit line must not throw.
    deps.log.info('history read', { caller: event.requestContext.identity?.userArn, customerId, count: page.items.length });
    return json(200, {
      customerId,
      items: page.items.map(historyEntry),
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(deps.consent ? { consent: consentProvenance(consent) } : {}),
    });
  } catch (error) {
    if (isRefusedCursor(error, cursor)) return invalidCursor(INVALID_CURSOR);
    if (!isRetryable(error)) throw error;
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}
