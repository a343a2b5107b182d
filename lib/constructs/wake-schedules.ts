import { Aws, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

export interface WakeSchedulesProps {
  /** The schedule group's name; the orchestrator may create schedules in it, and the handlers that record engagement delete them, nowhere else. */
  groupName: string;
  /** The requests queue, where every wake lands. */
  queue: sqs.IQueue;
  deadLetterRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';

/**
 * How deferred requests and escalation steps are woken: a wake due within 15 minutes is a
 * delayed message the orchestrator puts on the requests queue itself; a later one is a one-time
 * EventBridge Scheduler schedule in this group, which sends the wake message to the queue with
 * this construct's role and deletes itself. A wake the schedule cannot deliver goes to the
 * dead-letter queue here. An engagement that concludes an escalation sends its wake at once, from
 * the handler that records it, and deletes the wake's schedule.
 */
export class WakeSchedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: DeadLetterQueue;
  private readonly queue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: WakeSchedulesProps) {
    super(scope, id);
    this.queue = props.queue;
    // Deleting the group deletes the schedules in it: wakes still to come would be lost.
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName, removalPolicy: props.removalPolicy });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', {
      retentionDays: props.deadLetterRetentionDays,
      removalPolicy: props.removalPolicy,
      holds: 'wakes EventBridge Scheduler could not deliver to the requests queue',
    });
    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by the wake schedules to put wake messages on the requests queue',
      // Only schedules of this group in this account may use the role.
      assumedBy: new iam.ServicePrincipal(SCHEDULER_SERVICE, {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': this.group.scheduleGroupArn } },
      }),
    });
    // The dead-letter queue too: Scheduler parks an undeliverable wake there with the schedule's role.
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn, this.deadLetterQueue.queueArn] }));
  }

  /**
   * The orchestrator arranges wakes: sets the wake variables and allows SendMessage of a delayed
   * wake to the requests queue, CreateSchedule in this group only, and passing this construct's
   * role, to Scheduler only, which creating a schedule with it requires. It never moves or
   * deletes a schedule: a wake it no longer wants finds its token spent.
   */
  bindScheduler(fn: lambda.Function): void {
    this.bindWakes(fn, 'scheduler:CreateSchedule', 'Each wake gets a schedule of its own, named when the request is deferred');
    fn.addEnvironment(ENV.requestsQueueArn, this.queue.queueArn);
    fn.addEnvironment(ENV.wakeSchedulerRoleArn, this.role.roleArn);
    fn.addEnvironment(ENV.wakeDeadLetterQueueArn, this.deadLetterQueue.queueArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
      }),
    );
  }

  /**
   * A handler that records engagement brings an escalation's wake forward to now: sets the queue
   * and group variables and allows SendMessage of the wake to the requests queue and
   * DeleteSchedule of the schedule it had, in this group only. It creates no schedule, so it may
   * not pass the role.
   */
  bindWakeAdvancer(fn: lambda.Function): void {
    this.bindWakes(fn, 'scheduler:DeleteSchedule', 'A wake brought forward deletes the schedule of that one wake, named after its request');
  }

  /** What both kinds of caller have: the queue and group variables, SendMessage to the queue, and one action on the group's schedules. */
  private bindWakes(fn: lambda.Function, scheduleAction: 'scheduler:CreateSchedule' | 'scheduler:DeleteSchedule', why: string): void {
    fn.addEnvironment(ENV.requestsQueueUrl, this.queue.queueUrl);
    fn.addEnvironment(ENV.wakeScheduleGroup, this.group.scheduleGroupName);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    // Pseudo-parameters rather than the stack's own region and account: the finding acknowledged
    // below must read the same whether or not the stack is bound to an environment.
    const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.group.scheduleGroupName}/*`;
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [scheduleAction], resources: [schedules] }));
    Validations.of(fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.group.scheduleGroupName}/*]`,
      reason: `${why}, so the grant covers the schedules of the wake group and no other group.`,
    });
  }
}
