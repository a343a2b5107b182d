import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { fc, test } from '@fast-check/vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { atExpression, EventBridgeWakeScheduler, scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import type { Wake } from '../../functions/core/timing/wake.js';
import { awsError } from '../support/aws-errors.js';

const client = new SchedulerClient({ region: 'eu-central-1' });
const scheduler = mockClient(client);

const OPTIONS = {
  groupName: 'switchboard-dev-wakes',
  queueArn: 'arn:aws:sqs:eu-central-1:123456789012:requests',
  roleArn: 'arn:aws:iam::123456789012:role/wakes',
  deadLetterQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:wake-dead-letters',
};
const NOW = new Date('2026-11-24T10:00:00.000Z');
const wake = (over: Partial<Wake> = {}): Wake => ({ requestId: 'r-1', token: 'd1', kind: 'deferral', due: new Date('2026-11-24T18:00:00.000Z'), ...over });
const adapter = () => new EventBridgeWakeScheduler(client, OPTIONS);

/** What EventBridge Scheduler allows in a schedule name. */
const VALID_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

beforeEach(() => {
  scheduler.reset();
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-central-1:123456789012:schedule/switchboard-dev-wakes/x' });
  scheduler.on(DeleteScheduleCommand).resolves({});
  scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-central-1:123456789012:schedule/switchboard-dev-wakes/x' });
});

describe('EventBridgeWakeScheduler.schedule', () => {
  it('creates a one-time schedule in the group that sends the wake message to the requests queue and deletes itself', async () => {
    await adapter().schedule(wake(), NOW);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual({
      Name: scheduleName({ requestId: 'r-1', token: 'd1' }),
      GroupName: 'switchboard-dev-wakes',
      ScheduleExpression: 'at(2026-11-24T18:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: OPTIONS.queueArn,
        RoleArn: OPTIONS.roleArn,
        Input: JSON.stringify({ wake: { requestId: 'r-1', token: 'd1', kind: 'deferral' } }),
        DeadLetterConfig: { Arn: OPTIONS.deadLetterQueueArn },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 },
      },
    });
  });

  it('takes an existing schedule of the same name as this wake already arranged', async () => {
    scheduler.on(CreateScheduleCommand).rejects(awsError('ConflictException', { status: 409 }));
    await expect(adapter().schedule(wake(), NOW)).resolves.toBeUndefined();
  });

  it.each([
    ['ThrottlingException', 429, RetryableError],
    ['InternalServerException', 500, RetryableError],
    ['ValidationException', 400, PermanentError],
    ['AccessDeniedException', 403, PermanentError],
    ['ServiceQuotaExceededException', 402, PermanentError],
    ['ResourceNotFoundException', 404, PermanentError],
  ])('fails on %s (HTTP %s) as a %s', async (name, status, kind) => {
    scheduler.on(CreateScheduleCommand).rejects(awsError(name, { status }));
    const failure = await adapter()
      .schedule(wake(), NOW)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(kind);
    expect(failure).toMatchObject({ code: name, retryable: kind === RetryableError });
  });

  it('classifies by the error name, never by its message', async () => {
    scheduler.on(CreateScheduleCommand).rejects(awsError('ValidationException', { message: 'ConflictException: a schedule with this name already exists' }));
    await expect(adapter().schedule(wake(), NOW)).rejects.toMatchObject({ code: 'ValidationException', retryable: false });
  });
});

describe('EventBridgeWakeScheduler.cancel', () => {
  it('deletes the wake’s schedule from the group', async () => {
    await adapter().cancel({ requestId: 'r-1', token: 'e2', kind: 'escalation' });
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: scheduleName({ requestId: 'r-1', token: 'e2' }),
      GroupName: 'switchboard-dev-wakes',
    });
  });

  it('takes a schedule that is gone (fired, cancelled, never made) as cancelled', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(awsError('ResourceNotFoundException', { status: 404 }));
    await expect(adapter().cancel({ requestId: 'r-1', token: 'e2', kind: 'escalation' })).resolves.toBeUndefined();
  });

  it('fails a throttled delete as retryable and a refused one as permanent', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(awsError('ThrottlingException', { status: 429 }))
      .rejectsOnce(awsError('AccessDeniedException', { status: 403 }));
    const target = { requestId: 'r-1', token: 'e2', kind: 'escalation' } as const;
    await expect(adapter().cancel(target)).rejects.toMatchObject({ code: 'ThrottlingException', retryable: true });
    await expect(adapter().cancel(target)).rejects.toMatchObject({ code: 'AccessDeniedException', retryable: false });
  });
});

describe('EventBridgeWakeScheduler.bringForward', () => {
  it('replaces the wake’s schedule with one at the earlier moment, everything else as it was', async () => {
    await adapter().schedule(wake(), NOW);
    await adapter().bringForward(wake({ due: new Date('2026-11-24T12:30:00.250Z') }), NOW);
    const created = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toEqual({ ...created, ScheduleExpression: 'at(2026-11-24T12:30:01)' });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
  });

  it('creates the schedule when there is none to move', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(awsError('ResourceNotFoundException', { status: 404 }));
    await adapter().bringForward(wake({ due: new Date('2026-11-24T12:30:00.000Z') }), NOW);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({ Name: scheduleName(wake()), ScheduleExpression: 'at(2026-11-24T12:30:00)' });
  });

  it('fails a throttled move as retryable, leaving the schedule where it was', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(awsError('ThrottlingException', { status: 429 }));
    await expect(adapter().bringForward(wake(), NOW)).rejects.toMatchObject({ code: 'ThrottlingException', retryable: true });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });
});

describe('atExpression', () => {
  it.each([
    ['2026-11-24T18:00:00.000Z', 'at(2026-11-24T18:00:00)'],
    ['2026-11-24T18:00:00.001Z', 'at(2026-11-24T18:00:01)'],
    ['2026-11-24T18:00:59.999Z', 'at(2026-11-24T18:01:00)'],
    ['2026-12-31T23:59:59.500Z', 'at(2027-01-01T00:00:00)'],
  ])('writes %s as %s, in UTC', (due, expression) => {
    expect(atExpression(new Date(due))).toBe(expression);
  });

  test.prop([fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:58Z'), noInvalidDate: true })])(
    'never names a moment before the wake is due, nor a second after the next whole one',
    (due) => {
      const named = Date.parse(`${/^at\((.+)\)$/.exec(atExpression(due))?.[1] ?? ''}Z`);
      expect(named).toBeGreaterThanOrEqual(due.getTime());
      expect(named - due.getTime()).toBeLessThan(1000);
    },
  );
});

describe('scheduleName', () => {
  const longId = `order:${'x.'.repeat(40)}${'9'.repeat(128)}`.slice(0, 128);

  it('stays a valid name of at most 64 characters for a 128-character request id with : and .', () => {
    expect(longId).toHaveLength(128);
    const name = scheduleName({ requestId: longId, token: 'escalation-step-0000000000000012' });
    expect(name).toMatch(VALID_NAME);
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('is the same for the same wake, different for another token or request, and keeps the token readable', () => {
    expect(scheduleName({ requestId: longId, token: 'd1' })).toBe(scheduleName({ requestId: longId, token: 'd1' }));
    expect(scheduleName({ requestId: longId, token: 'd1' })).not.toBe(scheduleName({ requestId: longId, token: 'd2' }));
    expect(scheduleName({ requestId: 'r-1', token: 'd1' })).not.toBe(scheduleName({ requestId: 'r-2', token: 'd1' }));
    expect(scheduleName({ requestId: 'r-1', token: 'e3' })).toMatch(/^wake-[0-9a-f]{24}-e3$/);
  });

  test.prop([fc.string({ minLength: 1, maxLength: 128 }), fc.stringMatching(/^[A-Za-z0-9-]{1,32}$/)])(
    'is valid for any request id and any token a wake may carry',
    (requestId, token) => {
      expect(scheduleName({ requestId, token })).toMatch(VALID_NAME);
    },
  );
});
