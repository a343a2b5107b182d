import { describe, expect, it } from 'vitest';
import { describeAwsError, isConditionalCheckFailed, safeMessage, toSwitchboardError } from '../../functions/adapters/aws-errors.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { awsError } from '../support/aws-errors.js';

describe('classifying AWS errors', () => {
  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['RequestLimitExceeded', 400],
    ['TooManyRequestsException', 429],
    ['ThrottledException', 400],
    ['KMSThrottlingException', 400],
    ['LimitExceededException', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
    ['TimeoutError', 400],
  ])('%s is retryable, with our error keeping the original as cause', (name, status) => {
    const original = awsError(name, { status });
    const mapped = toSwitchboardError(original, 'customers BatchGetItem');
    expect(mapped).toBeInstanceOf(RetryableError);
    expect(mapped.code).toBe(name);
    expect(mapped.cause).toBe(original);
    expect(mapped.message).toContain('customers BatchGetItem failed');
  });

  it.each([
    ['ValidationException', 400],
    ['AccessDeniedException', 400],
    ['ResourceNotFoundException', 400],
    ['ConditionalCheckFailedException', 400],
  ])('%s is permanent', (name, status) => {
    const mapped = toSwitchboardError(awsError(name, { status }), 'op');
    expect(mapped).toBeInstanceOf(PermanentError);
    expect(mapped.retryable).toBe(false);
  });

  it('treats unknown server faults, 429s and dropped connections as retryable, anything else as permanent', () => {
    expect(describeAwsError(awsError('SomethingNew', { status: 502 })).retryable).toBe(true);
    expect(describeAwsError(awsError('SomethingNew', { status: 429 })).retryable).toBe(true);
    expect(describeAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).retryable).toBe(true);
    expect(describeAwsError(awsError('SomethingNew', { status: 400 })).retryable).toBe(false);
    expect(describeAwsError('a string').retryable).toBe(false);
  });

  it('recognises a failed condition only by its name', () => {
    expect(isConditionalCheckFailed(awsError('ConditionalCheckFailedException'))).toBe(true);
    expect(isConditionalCheckFailed(awsError('ValidationException'))).toBe(false);
  });

  it('masks addresses and numbers quoted in provider messages', () => {
    const masked = safeMessage({ name: 'MessageRejected', message: 'Email address is not verified: lena@example.com, also +49 151 1234 5678' });
    expect(masked).toBe('MessageRejected: Email address is not verified: <email>, also <number>');
  });
});
