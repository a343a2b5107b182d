import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { ENV } from '../../functions/definitions/tables.js';
import { HandlerFunction } from './handler-function.js';

export interface IngestFunctionProps {
  entry: string;
  /** The compiled templates: a request is checked against the templates and topic registry they carry. */
  templateBundle: string;
  /** The requests queue, the only thing the function may write to. */
  queue: sqs.IQueue;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The function behind `POST /requests`: it checks each request as the orchestrator would before
 * reading any table, and puts the valid ones on the requests queue. It is told the queue's URL
 * and may send to it, nothing more: no table, no other queue.
 */
export class IngestFunction extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.ingest,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      templateBundle: props.templateBundle,
    }).fn;
    this.fn.addEnvironment(ENV.requestsQueueUrl, props.queue.queueUrl);
    // SendMessageBatch is authorized as SendMessage; `grantSendMessages` would add GetQueueAttributes and GetQueueUrl, which it never calls.
    this.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] }));
  }
}
