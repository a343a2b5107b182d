import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PermanentError } from '../core/errors.js';
import type { Problem } from '../core/model.js';
import { boundProblems, clipText } from '../core/problem-bounds.js';

type Result = APIGatewayProxyStructuredResultV2;

/** Responses are about one person's data: never cached by a browser or a proxy. */
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Opaque cursors we hand out decode to well under 1 KiB; a longer one is forged, and its keys
 * could exceed DynamoDB's key size limits, which the database answers with an error, not a page.
 */
export const MAX_CURSOR_CHARS = 1360;

export function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: HEADERS, body: JSON.stringify(body) };
}

/**
 * An error answer: a code to branch on, a sentence, and every problem with its path in the
 * request (`path.<name>`, `query.<name>`, `body.<field>`, `""` for the request as a whole).
 */
export function problem(statusCode: number, code: string, message: string, problems: readonly Problem[] = [{ path: '', message }]): Result {
  return json(statusCode, { error: { code, message, problems: boundProblems(problems) } });
}

export function isResult(value: unknown): value is Result {
  return typeof value === 'object' && value !== null && 'statusCode' in value;
}

/** `limit` from a query string: the default when absent, a problem when it is not 1..max. */
export function readLimit(value: string | undefined, fallback: number, max: number): number | Result {
  if (value === undefined || value === '') return fallback;
  const limit = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (limit >= 1 && limit <= max) return limit;
  const message = `limit must be a whole number from 1 to ${max}`;
  return problem(400, 'INVALID_LIMIT', message, [{ path: 'query.limit', message }]);
}

/** `cursor` from a query string: absent, or no longer than any cursor we issue. */
export function readCursor(value: string | undefined, invalidMessage: string): { cursor?: string } | Result {
  if (value === undefined || value === '') return {};
  if (value.length <= MAX_CURSOR_CHARS) return { cursor: value };
  return invalidCursor(invalidMessage);
}

/**
 * A cursor we did not issue is the client's error, whether the adapter spots it or DynamoDB
 * refuses the start key it decodes to (an empty or malformed key value).
 */
export function isRefusedCursor(error: unknown, cursor: { cursor?: string }): boolean {
  return error instanceof PermanentError && (error.code === 'INVALID_CURSOR' || (cursor.cursor !== undefined && error.code === 'ValidationException'));
}

export function invalidCursor(message: string): Result {
  return problem(400, 'INVALID_CURSOR', message, [{ path: 'query.cursor', message }]);
}

/** One percent-encoded path segment, or a 400 naming it when the encoding is broken. */
export function decodePathSegment(segment: string, name: string): string | Result {
  try {
    return decodeURIComponent(segment);
  } catch {
    const message = `${name} is not a valid percent-encoded path segment`;
    return problem(400, 'INVALID_PATH', message, [{ path: `path.${name}`, message }]);
  }
}

/**
 * The request body as JSON, base64-decoded when API Gateway says so; a 400 when it is missing,
 * larger than `maxBytes` or not JSON.
 */
export function readJsonBody(event: { body?: string | null; isBase64Encoded?: boolean }, maxBytes: number): { value: unknown } | Result {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const bad = (message: string) => problem(400, 'INVALID_BODY', message, [{ path: 'body', message }]);
  if (text === '') return bad('the body is empty; expected JSON');
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) return bad(`the body is larger than ${maxBytes} bytes`);
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return bad(clipText(`the body is not valid JSON: ${(error as Error).message}`));
  }
}

/** Requests to a named stage carry it as the first path segment; `$default` adds nothing. */
export function withoutStage(path: string, stage: string | undefined): string {
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return prefix && (path === prefix || path.startsWith(`${prefix}/`)) ? path.slice(prefix.length) || '/' : path;
}
