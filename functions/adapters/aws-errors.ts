import { PermanentError, RetryableError, type SwitchboardError } from '../core/errors.js';

/**
 * One place that decides whether an AWS failure is worth retrying. Names cover every service we
 * call; anything unrecognised falls back to the SDK's own fault and status information, so a new
 * throttling code from a service still lands on the retryable side when it answers 429 or 5xx.
 */
const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'TransactionConflictException',
  'InternalServerError',
  'InternalServerErrorException',
  'InternalServiceErrorException',
  'InternalErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Transport failures never reached the service, so the same call may succeed on a later try. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

export interface AwsErrorFacts {
  name: string;
  message: string;
  httpStatus?: number;
  retryable: boolean;
}

export function describeAwsError(error: unknown): AwsErrorFacts {
  if (!(error instanceof Error)) return { name: 'UnknownError', message: String(error), retryable: false };
  const sdk = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  const httpStatus = sdk.$metadata?.httpStatusCode;
  const retryable =
    RETRYABLE_NAMES.has(sdk.name) ||
    (sdk.code !== undefined && NETWORK_CODES.has(sdk.code)) ||
    sdk.$retryable !== undefined ||
    sdk.$fault === 'server' ||
    httpStatus === 429 ||
    (httpStatus !== undefined && httpStatus >= 500);
  return { name: sdk.name, message: sdk.message, ...(httpStatus !== undefined ? { httpStatus } : {}), retryable };
}

/** Wraps an SDK failure in our vocabulary; `operation` says what we were doing, never with personal data. */
export function toSwitchboardError(error: unknown, operation: string): SwitchboardError {
  const facts = describeAwsError(error);
  const message = `${operation} failed: ${safeMessage(facts)}`;
  return facts.retryable ? new RetryableError(message, facts.name, { cause: error }) : new PermanentError(message, facts.name, { cause: error });
}

export function isConditionalCheckFailed(error: unknown): error is Error & { Item?: Record<string, unknown> } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Provider messages sometimes quote the address they refused ("…failed the check: lena@…"), and
 * they end up in delivery records and logs: addresses and numbers are masked first.
 */
export function safeMessage(facts: Pick<AwsErrorFacts, 'name' | 'message'>): string {
  const masked = facts.message.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<email>').replace(/\+?\d[\d\s().-]{6,}\d/g, '<number>');
  return `${facts.name}: ${masked}`.slice(0, 500);
}
