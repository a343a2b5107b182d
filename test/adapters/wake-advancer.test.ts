import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import { composeWakeAdvancer } from '../../functions/composition/feedback.js';
import { WAKE_BEYOND_QUEUE } from '../../functions/composition/wake-advancer.js';
import { DELAYED_MESSAGE_LIMIT_MS } from '../../functions/composition/wake-scheduler.js';
import { PermanentError } from '../../functions/core/errors.js';
import type { Wake } from '../../functions/core/timing/wake.js';
import { awsError } from '../support/aws-errors.js';
import { iamRequestsOf } from '../support/sdk-calls.js';

// Every client of these classes, the ones the composition builds included.
const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);

const SETTINGS = { queueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests', scheduleGroup: 'switchboard-dev-wakes' };
const NOW = new Date('2026-11-24T10:00:00.000Z');
const TARGET = { requestId: 'r-1', token: 'e2', kind: 'escalation' } as const;
const wakeIn = (ms: number): Wake => ({ ...TARGET, due: new Date(NOW.getTime() + ms) });
const MESSAGE = JSON.stringify({ wake: TARGET });

/** Both services' calls in the order they were made. */
const order: string[] = [];

beforeEach(() => {
  order.length = 0;
  sqs.reset();
  scheduler.reset();
  sqs.on(SendMessageCommand).callsFake(async () => {
    order.push('SendMessage');
    return { MessageId: 'm-1' };
  });
  scheduler.on(DeleteScheduleCommand).callsFake(async () => {
    order.push('DeleteSchedule');
    return {};
  });
});
afterAll(() => {
  sqs.restore();
  scheduler.restore();
});

/** Every call the advancer made, as IAM sees it. */
function iamRequests() {
  const names = { queues: { requests: SETTINGS.queueUrl }, wakeScheduleGroup: SETTINGS.scheduleGroup };
  return [...sqs.calls().map((call) => ({ service: 'SQS', command: call.args[0] })), ...scheduler.calls().map((call) => ({ service: 'Scheduler', command: call.args[0] }))].flatMap(
    ({ service, command }) => iamRequestsOf(service, command.constructor.name.replace(/Command$/, ''), command.input as Record<string, unknown>, names),
  );
}

describe('the wake advancer of the handlers that record engagement', () => {
  it('brings a wake forward to now: the wake message on the queue with no delay, then its schedule deleted', async () => {
    await composeWakeAdvancer(SETTINGS).bringForward({ ...TARGET, due: NOW }, NOW);
    expect(order).toEqual(['SendMessage', 'DeleteSchedule']);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({ QueueUrl: SETTINGS.queueUrl, MessageBody: MESSAGE, DelaySeconds: 0 });
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({ Name: scheduleName(TARGET), GroupName: SETTINGS.scheduleGroup });
  });

  it('makes exactly the calls its role is granted: SendMessage on the requests queue and DeleteSchedule in the wake group', async () => {
    const advancer = composeWakeAdvancer(SETTINGS);
    await advancer.bringForward({ ...TARGET, due: NOW }, NOW);
    await advancer.schedule(wakeIn(60_000), NOW);
    await advancer.cancel(TARGET);
    expect(new Set(iamRequests().map((r) => `${r.action} ${r.resource}`))).toEqual(
      new Set(['sqs:SendMessage queue/requests', `scheduler:DeleteSchedule schedule/${scheduleName(TARGET)}`]),
    );
  });

  it('leaves the wake sent when the delete fails, and says so: the schedule then fires later and finds its token spent', async () => {
    scheduler.on(DeleteScheduleCommand).callsFake(async () => {
      order.push('DeleteSchedule');
      throw awsError('ThrottlingException', { status: 429 });
    });
    await expect(composeWakeAdvancer(SETTINGS).bringForward({ ...TARGET, due: NOW }, NOW)).rejects.toMatchObject({ code: 'ThrottlingException', retryable: true });
    expect(order).toEqual(['SendMessage', 'DeleteSchedule']);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody).toBe(MESSAGE);
  });

  it('takes a schedule that is not there (the wake was a delayed message, or its schedule already fired) as deleted', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(awsError('ResourceNotFoundException', { status: 404 }));
    await expect(composeWakeAdvancer(SETTINGS).bringForward({ ...TARGET, due: NOW }, NOW)).resolves.toBeUndefined();
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
  });

  it('deletes nothing when the wake could not be sent, so the schedule still fires at its own time', async () => {
    sqs.on(SendMessageCommand).rejects(awsError('AccessDenied', { status: 403 }));
    await expect(composeWakeAdvancer(SETTINGS).bringForward({ ...TARGET, due: NOW }, NOW)).rejects.toMatchObject({ code: 'AccessDenied', retryable: false });
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toEqual([]);
  });

  it('arranges a wake a delayed message can carry, and refuses a later one by code, sending nothing', async () => {
    const advancer = composeWakeAdvancer(SETTINGS);
    await advancer.schedule(wakeIn(90_000), NOW);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({ MessageBody: MESSAGE, DelaySeconds: 90 });
    for (const wake of [wakeIn(DELAYED_MESSAGE_LIMIT_MS), wakeIn(3_600_000)]) {
      const refused = advancer.schedule(wake, NOW);
      await expect(refused).rejects.toBeInstanceOf(PermanentError);
      await expect(refused).rejects.toMatchObject({ code: WAKE_BEYOND_QUEUE });
      await expect(advancer.bringForward(wake, NOW)).rejects.toMatchObject({ code: WAKE_BEYOND_QUEUE });
    }
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(scheduler.calls()).toEqual([]);
  });

  it('cancels by deleting the schedule only: a message already on the queue cannot be taken back', async () => {
    await composeWakeAdvancer(SETTINGS).cancel(TARGET);
    expect(order).toEqual(['DeleteSchedule']);
  });
});
