import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  retentionDays: number;
  removalPolicy: RemovalPolicy;
  /** What ends up here, for the cdk-nag acknowledgement. */
  holds: string;
}

/** An encrypted, TLS-only queue that parks what could not be processed. */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.retentionDays),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${props.holds}); a queue behind it would never be read.`,
    });
  }

  /**
   * This queue as where Lambda parks asynchronous events that failed every retry. Lambda only
   * sends to it, with the function role; `SqsDestination` would grant the whole sender bundle.
   */
  asFailureDestination(): lambda.IDestination {
    return {
      bind: (_scope, fn) => {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queueArn] }));
        return { destination: this.queueArn };
      },
    };
  }
}
