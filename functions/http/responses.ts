import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Responses are about one person's data: never cached by a browser or a proxy. */
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: HEADERS, body: JSON.stringify(body) };
}

export function problem(statusCode: number, code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return json(statusCode, { error: { code, message } });
}

/** `limit` from a query string: the default when absent, a problem when it is not 1..max. */
export function readLimit(value: string | undefined, fallback: number, max: number): number | APIGatewayProxyStructuredResultV2 {
  if (value === undefined || value === '') return fallback;
  const limit = Number(value);
  return Number.isInteger(limit) && limit >= 1 && limit <= max ? limit : problem(400, 'INVALID_LIMIT', `limit must be a whole number from 1 to ${max}`);
}

/** The request body as JSON, base64-decoded when API Gateway says so; undefined when it is not JSON. */
export function jsonBody(event: { body?: string; isBase64Encoded?: boolean }): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Requests to a named stage carry it as the first path segment; `$default` adds nothing. */
export function withoutStage(path: string, stage: string | undefined): string {
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return prefix && (path === prefix || path.startsWith(`${prefix}/`)) ? path.slice(prefix.length) || '/' : path;
}
