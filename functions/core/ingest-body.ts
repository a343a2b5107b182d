import type { Problem } from './model.js';
import { clipText } from './problem-bounds.js';
import { MAX_BATCH_REQUESTS } from './ingest.js';
import { MAX_BODY_BYTES } from './request.js';

/** Ten requests at the single request's limit; well below the 6 MB Lambda accepts from API Gateway. */
export const MAX_INGEST_BODY_BYTES = MAX_BATCH_REQUESTS * MAX_BODY_BYTES;

export type BodyRefusalCode = 'EMPTY_BODY' | 'BODY_TOO_LARGE' | 'INVALID_JSON' | 'NOT_A_REQUEST' | 'EMPTY_BATCH' | 'TOO_MANY_REQUESTS';
/** Why a body was refused as a whole, before any request in it was looked at. */
export interface BodyRefusal {
  code: BodyRefusalCode;
  message: string;
  problems: Problem[];
}

export type IngestBody = { ok: true; requests: unknown[]; batch: boolean } | { ok: false; refusal: BodyRefusal };

/**
 * The body of `POST /requests`: one send request (a JSON object) or an array of 1 to
 * MAX_BATCH_REQUESTS of them. Anything else is refused whole, with a code and the reason.
 */
export function readIngestBody(text: string): IngestBody {
  if (text.trim() === '') return refuse('EMPTY_BODY', 'the body is empty; expected a send request or an array of 1 to 10 of them');
  if (text.length > MAX_INGEST_BODY_BYTES || Buffer.byteLength(text, 'utf8') > MAX_INGEST_BODY_BYTES) {
    return refuse('BODY_TOO_LARGE', `the body is larger than ${MAX_INGEST_BODY_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse('INVALID_JSON', clipText(`the body is not valid JSON: ${(error as Error).message}`));
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return refuse('EMPTY_BATCH', `the array is empty; send 1 to ${MAX_BATCH_REQUESTS} requests`);
    if (value.length > MAX_BATCH_REQUESTS) return refuse('TOO_MANY_REQUESTS', `the array holds ${value.length} requests; send at most ${MAX_BATCH_REQUESTS} at a time`);
    return { ok: true, requests: value, batch: true };
  }
  if (typeof value === 'object' && value !== null) return { ok: true, requests: [value], batch: false };
  return refuse('NOT_A_REQUEST', `the body is ${kindOf(value)}; expected a send request (a JSON object) or an array of 1 to ${MAX_BATCH_REQUESTS} of them`);
}

function refuse(code: BodyRefusalCode, message: string): IngestBody {
  return { ok: false, refusal: { code, message, problems: [{ path: '', message }] } };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
