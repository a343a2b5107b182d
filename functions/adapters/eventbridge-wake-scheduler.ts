import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import type { WakeScheduler } from '../core/ports.js';
import type { Wake, WakeMessage, WakeTarget } from '../core/timing/wake.js';
import { describeAwsError, toSwitchboardError } from './aws-errors.js';

export interface EventBridgeWakeOptions {
  /** The schedule group every wake's schedule is created in; the orchestrator may touch no other. */
  groupName: string;
  /** The requests queue: a schedule that fires puts its wake message there. */
  queueArn: string;
  /** The role the schedule runs as, allowed to send to the requests queue and to the dead-letter queue. */
  roleArn: string;
  /** Where a wake goes that could not be delivered within the retry policy. */
  deadLetterQueueArn: string;
}

/**
 * SQS as a target fails only briefly (throttling, a service hiccup), so a few tries over a few
 * hours cover it; beyond that the wake is parked in the dead-letter queue, which raises an alarm.
 */
const RETRY_POLICY = { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 60 * 60 };

const NAME_PREFIX = 'wake-';
/** 96 bits of the request id's hash: 5 + 24 + 1 + a token of at most 32 characters stays within the 64 a name may have. */
const HASH_CHARS = 24;

/**
 * The schedule of one wake, named after its request and token alone, so arranging it again finds
 * the same name. Request ids may hold characters a name may not (`:` and `/`, 128 of them), hence
 * the hash; the token stays readable.
 */
export function scheduleName(target: Pick<WakeTarget, 'requestId' | 'token'>): string {
  const hash = createHash('sha256').update(target.requestId).digest('hex').slice(0, HASH_CHARS);
  return `${NAME_PREFIX}${hash}-${target.token}`;
}

/**
 * A one-time `at()` expression in UTC. It has whole seconds only: a `due` between seconds is
 * rounded up to the next one, so the schedule never fires before it.
 */
export function atExpression(due: Date): string {
  const second = new Date(Math.ceil(due.getTime() / 1000) * 1000);
  return `at(${second.toISOString().slice(0, 19)})`;
}

/**
 * Deletes the schedule of one wake in `groupName`. A schedule that is not there (it fired and
 * deleted itself, was deleted before, or was never created) leaves nothing to stop: no error.
 */
export async function deleteWakeSchedule(client: SchedulerClient, groupName: string, target: Pick<WakeTarget, 'requestId' | 'token'>): Promise<void> {
  try {
    await client.send(new DeleteScheduleCommand({ Name: scheduleName(target), GroupName: groupName }));
  } catch (error) {
    if (describeAwsError(error).name === 'ResourceNotFoundException') return;
    throw toSwitchboardError(error, 'Scheduler DeleteSchedule');
  }
}

/**
 * Wakes beyond the reach of a delayed queue message, as one-time EventBridge Scheduler schedules
 * that send the wake message to the requests queue at `due` and then delete themselves. The
 * schedule holds the wake message only: request id, token and kind, no personal data.
 */
export class EventBridgeWakeScheduler implements WakeScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeWakeOptions,
  ) {}

  /** `now` is not needed: the schedule names its own moment. */
  async schedule(wake: Wake, _now: Date): Promise<void> {
    try {
      await this.client.send(new CreateScheduleCommand(this.definition(wake)));
    } catch (error) {
      // The name is the wake's own: a schedule by that name is this wake, arranged before.
      if (describeAwsError(error).name === 'ConflictException') return;
      throw toSwitchboardError(error, 'Scheduler CreateSchedule');
    }
  }

  cancel(target: WakeTarget): Promise<void> {
    return deleteWakeSchedule(this.client, this.options.groupName, target);
  }

  /**
   * Moves the wake's schedule in place: the name is the wake's, so a second schedule for it cannot
   * exist, and an update changes the moment in one step, leaving no gap without one. A schedule
   * that is not there is created.
   */
  async bringForward(wake: Wake, now: Date): Promise<void> {
    try {
      await this.client.send(new UpdateScheduleCommand(this.definition(wake)));
    } catch (error) {
      if (describeAwsError(error).name === 'ResourceNotFoundException') return this.schedule(wake, now);
      throw toSwitchboardError(error, 'Scheduler UpdateSchedule');
    }
  }

  /** What a wake's schedule is, for creating it and for replacing it. */
  private definition(wake: Wake) {
    const message: WakeMessage = { wake: { requestId: wake.requestId, token: wake.token, kind: wake.kind } };
    return {
      Name: scheduleName(wake),
      GroupName: this.options.groupName,
      ScheduleExpression: atExpression(wake.due),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.options.queueArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(message),
        DeadLetterConfig: { Arn: this.options.deadLetterQueueArn },
        RetryPolicy: RETRY_POLICY,
      },
    } satisfies CreateScheduleCommandInput & UpdateScheduleCommandInput;
  }
}
