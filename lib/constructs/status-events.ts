import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULT_EVENT_BUS, EVENT_SOURCE, statusStream } from '../../functions/definitions/events.js';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { ENV } from '../../functions/definitions/tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { HandlerFunction } from './handler-function.js';
import type { SwitchboardTable } from './tables.js';

export interface StatusEventsProps {
  entry: string;
  /** The deliveries table, whose stream announces every status change. */
  deliveries: SwitchboardTable;
  /** A bus of the stack's own, named `busName`, or the account's default bus. */
  bus: 'dedicated' | 'default';
  busName: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * Delivery status events for upstream systems (docs/events.md): the deliveries table's stream
 * feeds the publisher function, which puts one event per status change on the bus. A batch still
 * failing after the mapping's retries is described in the dead-letter queue.
 */
export class StatusEvents extends Construct {
  readonly fn: lambda.Function;
  readonly deadLetterQueue: DeadLetterQueue;
  /** The name PutEvents is given: the dedicated bus's, or `default`. */
  readonly busName: string;
  readonly busArn: string;

  constructor(scope: Construct, id: string, props: StatusEventsProps) {
    super(scope, id);
    const bus = props.bus === 'dedicated' ? new events.EventBus(this, 'Bus', { eventBusName: props.busName }) : undefined;
    this.busName = bus ? bus.eventBusName : DEFAULT_EVENT_BUS;
    this.busArn = bus ? bus.eventBusArn : Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: DEFAULT_EVENT_BUS });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', {
      retentionDays: statusStream.deadLetterRetentionDays,
      removalPolicy: props.removalPolicy,
      holds: 'descriptions of deliveries stream batches whose status events could not be published',
    });
    this.fn = new HandlerFunction(this, 'Publisher', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.eventPublisher,
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).fn;
    this.bindBus(this.fn);
    props.deliveries.streamTo(this.fn, { ...statusStream, onFailure: this.failureDestination() });
  }

  /**
   * The bus variable and PutEvents on that bus only, of events from our source only: the key holds
   * the source of every entry of the call, so each must be ours, and a call must name one.
   */
  private bindBus(fn: lambda.Function): void {
    fn.addEnvironment(ENV.eventBusName, this.busName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.busArn],
        conditions: { 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] }, Null: { 'events:source': 'false' } },
      }),
    );
  }

  /**
   * Lambda sends the description of a batch that failed every retry with the function's role.
   * `SqsDlq` would also grant reading the queue's attributes and URL, which nothing does.
   */
  private failureDestination(): lambda.IEventSourceDlq {
    return {
      bind: (_mapping, target) => {
        target.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
        return { destination: this.deadLetterQueue.queueArn };
      },
    };
  }
}
