import { Duration, Names, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ORCHESTRATOR_SERVICE_NAME } from '../../functions/definitions/metrics.js';
import { ENV, ORCHESTRATOR_TIMEOUT_SECONDS } from '../../functions/definitions/tables.js';
import { HandlerFunction } from './handler-function.js';

export interface OrchestratorProps {
  entry: string;
  /** The compiled templates (`npm run build` writes them), shipped inside the function asset. */
  templateBundle: string;
  queue: sqs.IQueue;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
  memoryMb: number;
  deliveryRetentionDays: number;
  inboxRetentionDays: number;
  appDeepLinkScheme: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** The SQS-driven orchestrator function; tables and channels bind themselves to `fn`. */
export class Orchestrator extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: OrchestratorProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: ORCHESTRATOR_SERVICE_NAME,
      timeout: Duration.seconds(ORCHESTRATOR_TIMEOUT_SECONDS),
      memorySize: props.memoryMb,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      templateBundle: props.templateBundle,
    }).fn;
    this.fn.addEnvironment(ENV.deliveryRetentionDays, String(props.deliveryRetentionDays));
    this.fn.addEnvironment(ENV.inboxRetentionDays, String(props.inboxRetentionDays));
    this.fn.addEnvironment(ENV.appDeepLinkScheme, props.appDeepLinkScheme);
    this.consume(props);
  }

  /**
   * The SQS event source mapping and the queue calls made with the function role: Lambda's
   * pollers receive, delete and read the queue's attributes, and a poller may hand a failed
   * message back early (the local one does). The CDK's `SqsEventSource` would also grant
   * `GetQueueUrl`, which nothing calls. The queue is encrypted with an SQS-managed key, so no
   * key grant is needed. The mapping keeps the id `SqsEventSource` gives it, so it is not replaced.
   */
  private consume(props: OrchestratorProps): void {
    this.fn.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(props.queue.node)}`, {
      eventSourceArn: props.queue.queueArn,
      batchSize: props.batchSize,
      ...(props.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(props.maxBatchingWindowSeconds) } : {}),
      maxConcurrency: props.maxConcurrency,
      reportBatchItemFailures: true,
    });
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        resources: [props.queue.queueArn],
      }),
    );
  }
}
