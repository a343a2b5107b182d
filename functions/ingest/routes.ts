import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { admissionProblems } from '../core/admission.js';
import { enqueueRequests, type RequestQueue, tally } from '../core/ingest.js';
import { readIngestBody } from '../core/ingest-body.js';
import type { TemplateStore } from '../core/ports.js';
import { problem, withoutStage } from '../http/responses.js';
import { ingestAnswer, refusedBody } from './answers.js';

type Result = APIGatewayProxyStructuredResultV2;

const ROUTE = /^\/requests\/?$/;

export interface IngestDeps {
  queue: RequestQueue;
  /** The deployed bundle: a request for a template it lacks, or with a category or topic it refuses, is never queued. */
  templates: TemplateStore;
  log: Pick<Logger, 'info'>;
}

/**
 * `POST /requests` on the service API (IAM auth, Lambda proxy, payload 1.0): one send request or
 * an array of up to 10. Each is checked with the orchestrator's parser and its admission rules
 * (template, category, topic); the valid ones are queued, the rest listed with every problem.
 * 202 when at least one was queued, 400 when every one was invalid, 503 (500 when trying again
 * cannot help) when the queue took none; every answer says per request what became of it.
 */
export async function routeIngest(event: APIGatewayProxyEvent, deps: IngestDeps): Promise<Result> {
  if (!ROUTE.test(withoutStage(event.path, event.requestContext.stage))) return problem(404, 'NOT_FOUND', 'no such route');
  if (event.httpMethod.toUpperCase() !== 'POST') {
    const refused = problem(405, 'METHOD_NOT_ALLOWED', 'use POST');
    return { ...refused, headers: { ...refused.headers, allow: 'POST' } };
  }
  const raw = event.body ?? '';
  const body = readIngestBody(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  if (!body.ok) return refusedBody(body.refusal);
  const results = await enqueueRequests(body.requests, deps.queue, { admit: (request) => admissionProblems(request, deps.templates) });
  const failures = [...new Set(results.flatMap((result) => (result.status === 'failed' ? [result.code] : [])))];
  // Who sent how many, and what the queue said: request ids and customers stay out of the log.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event invoked directly, not through API Gateway, may carry no identity.
  deps.log.info('requests received', { caller: event.requestContext.identity?.userArn, ...tally(results), ...(failures.length > 0 ? { failures } : {}) });
  return ingestAnswer(results, body.batch);
}
