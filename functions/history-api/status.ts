import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isRetryable } from '../core/errors.js';
import { type DeliveryLookup, historyEntry } from '../core/history.js';
import type { DeliveryRecord } from '../core/model.js';
import { isRequestId } from '../core/request.js';
import { decodePathSegment, json, problem } from '../http/responses.js';

type Result = APIGatewayProxyStructuredResultV2;

export interface RequestStatusDeps {
  deliveries: DeliveryLookup;
  log: Pick<Logger, 'info'>;
}

/**
 * `GET /requests/{requestId}`: the delivery record of one request, shaped exactly as the history
 * lists it, read by key. A request still on the queue has no record yet, so it is a 404 too.
 */
export async function requestStatus(segment: string, event: APIGatewayProxyEvent, deps: RequestStatusDeps): Promise<Result> {
  const requestId = decodePathSegment(segment, 'requestId');
  if (typeof requestId !== 'string') return requestId;
  if (!isRequestId(requestId)) {
    const message = 'requestId must be 1 to 128 letters, digits and . _ : -';
    return problem(400, 'INVALID_REQUEST_ID', message, [{ path: 'path.requestId', message }]);
  }
  try {
    const record = await deps.deliveries.getDelivery(requestId);
    // Who looked at which message: a delivery record is personal data, so reads are audited.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event invoked directly, not through API Gateway, may carry no identity; the audit line must not throw.
    deps.log.info('request status read', { caller: event.requestContext.identity?.userArn, requestId, found: record !== undefined });
    if (record) return json(200, historyEntry(withCreatedAt(record)));
    const message = 'no delivery record for this request: it is still queued, or was never received';
    return problem(404, 'UNKNOWN_REQUEST', message, [{ path: 'path.requestId', message }]);
  } catch (error) {
    if (!isRetryable(error)) throw error;
    return problem(503, 'UNAVAILABLE', 'try again shortly');
  }
}

/**
 * A request being handled has no `createdAt` until its final write (the claim leaves it out, so
 * it stays out of the history index); its last change stands in, so the answer keeps its shape.
 */
function withCreatedAt(record: DeliveryRecord): DeliveryRecord {
  const { createdAt } = record as Partial<DeliveryRecord>;
  return createdAt ? record : { ...record, createdAt: record.updatedAt };
}
