import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { ProxiedCall } from './proxy.js';

export const DYNAMODB_FAULTS = ['throughput_exceeded', 'throttling', 'internal_error'] as const;
export type DynamoDbFault = (typeof DYNAMODB_FAULTS)[number];

export const SES_FAULTS = ['throttle', 'server_error', 'timeout'] as const;
export type SesFault = (typeof SES_FAULTS)[number];

/** A held call is dropped after this long even if its client never gives up. */
const MAX_HOLD_MS = 60_000;

/**
 * Times and epoch numbers differ between a call and its redelivery (a new lease, a new
 * `updatedAt`); without them the same logical call has the same content in every run.
 */
export function stableContent(body: string): string {
  return body.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, 'T').replace(/\b\d{10,13}\b/g, 'N');
}

/** `DynamoDB UpdateItem deliveries`: the operation from `X-Amz-Target`, the table without its run prefix. */
export function classifyDynamoDb(prefix: string) {
  return (headers: IncomingHttpHeaders, _path: string, body: string): ProxiedCall => {
    const target = String(headers['x-amz-target'] ?? 'unknown.unknown');
    const action = target.slice(target.indexOf('.') + 1);
    return { operation: `DynamoDB ${action} ${tableOf(body, prefix)}`, content: stableContent(body), body };
  };
}

function tableOf(body: string, prefix: string): string {
  let parsed: { TableName?: string; RequestItems?: Record<string, unknown>; Statements?: { Statement?: string }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return 'unknown';
  }
  const name = parsed.TableName ?? Object.keys(parsed.RequestItems ?? {})[0] ?? /"([^"]+)"/.exec(parsed.Statements?.[0]?.Statement ?? '')?.[1] ?? 'unknown';
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** DynamoDB's JSON protocol: the error type in `__type`, throttling as 400, internal errors as 500. */
export function answerDynamoDb(kind: DynamoDbFault, res: ServerResponse): void {
  const [status, type, message] =
    kind === 'throughput_exceeded'
      ? [400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.']
      : kind === 'throttling'
        ? [400, 'com.amazon.coral.availability#ThrottlingException', 'Rate of requests exceeds the allowed throughput.']
        : [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'];
  const text = JSON.stringify({ __type: type, message });
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function classifySes(_headers: IncomingHttpHeaders, path: string, body: string): ProxiedCall {
  const operation = path.startsWith('/v2/email/outbound-emails') ? 'SESv2 SendEmail' : `SESv2 ${path.split('?')[0]}`;
  return { operation, content: stableContent(body), body };
}

/** SES v2 speaks REST-JSON: the error name in `x-amzn-ErrorType`, the status says the rest. */
export function answerSes(kind: SesFault, res: ServerResponse): void {
  if (kind === 'timeout') {
    const timer = setTimeout(() => res.destroy(), MAX_HOLD_MS);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    return;
  }
  const [status, type, message] = kind === 'throttle' ? [429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'] : [500, 'InternalFailure', 'Internal failure'];
  const text = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
