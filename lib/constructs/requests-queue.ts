import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../../functions/definitions/tables.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

export interface RequestsQueueProps {
  definition: QueueDefinition;
  removalPolicy: RemovalPolicy;
}

/** The send-request queue and its dead-letter queue, shaped by the shared queue definition. */
export class RequestsQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: RequestsQueueProps) {
    super(scope, id);
    const { definition } = props;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', {
      retentionDays: definition.deadLetterRetentionDays,
      removalPolicy: props.removalPolicy,
      holds: `send requests received ${definition.maxReceiveCount} times without success`,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
