import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BodyRefusal } from '../core/ingest-body.js';
import type { RequestResult } from '../core/ingest.js';
import type { Problem } from '../core/model.js';
import { boundProblems } from '../core/problem-bounds.js';
import { json } from '../http/responses.js';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * What `POST /requests` answers. Every answer that queued nothing carries `error` (a code to
 * branch on, a sentence and every problem with its path) and, as API Gateway's own validator
 * answered before, `message`. Paths inside a batch start with the request's index (`1.channels.0`).
 */
export function ingestAnswer(results: readonly RequestResult[], batch: boolean): Result {
  const queued = results.flatMap((result) => (result.status === 'queued' ? [result.requestId] : []));
  const only = results.length === 1 ? results[0] : undefined;
  if (queued.length > 0) {
    // A single request answered with its message id before batches existed; it still does.
    return json(202, { ...(!batch && only?.status === 'queued' ? { messageId: only.messageId } : {}), queued, results });
  }
  const failed = results.filter((result) => result.status === 'failed');
  // Bounded as every error answer is; each request's own list in `results` is complete.
  const problems = boundProblems(results.flatMap((result) => problemsOf(result, batch)));
  if (failed.length === 0) {
    const message = batch ? `no request was queued: all ${results.length} are invalid` : 'the request is invalid and was not queued';
    return errorAnswer(400, { code: 'INVALID_REQUEST', message, problems }, results);
  }
  // Nothing was queued because of the queue: worth trying again unless it refused for good.
  const retryable = failed.some((result) => result.retryable);
  const message = retryable ? 'the requests queue is unavailable; try again shortly' : 'the requests queue refused the requests';
  return errorAnswer(retryable ? 503 : 500, { code: 'QUEUE_UNAVAILABLE', message, retryable, problems }, results);
}

/** A body refused whole: too large (413), or not JSON, not a request, an empty or too long array (400). */
export function refusedBody(refusal: BodyRefusal): Result {
  return errorAnswer(refusal.code === 'BODY_TOO_LARGE' ? 413 : 400, { code: refusal.code, message: refusal.message, problems: refusal.problems });
}

interface ErrorBody {
  code: string;
  message: string;
  retryable?: boolean;
  problems: Problem[];
}

function errorAnswer(statusCode: number, error: ErrorBody, results?: readonly RequestResult[]): Result {
  return json(statusCode, { message: error.message, error, ...(results ? { queued: [], results } : {}) });
}

/** Each request's problems with its index in front inside a batch; a request the queue did not take, as one line. */
function problemsOf(result: RequestResult, batch: boolean): Problem[] {
  const at = (path: string) => (!batch ? path : path === '' ? String(result.index) : `${result.index}.${path}`);
  if (result.status === 'invalid') return result.problems.map((p) => ({ path: at(p.path), message: p.message }));
  if (result.status === 'failed') return [{ path: at(''), message: `not queued: ${result.code}` }];
  return [];
}
