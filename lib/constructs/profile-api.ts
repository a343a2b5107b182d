import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { HandlerFunction } from './handler-function.js';

export interface ProfileApiFunctionProps {
  entry: string;
  /** The compiled templates: consent changes are checked against the topic registry they carry. */
  templateBundle: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** The function behind the service API's profile, context, consent and erasure routes; tables and routes bind to `fn`. */
export class ProfileApiFunction extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: ProfileApiFunctionProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.profileApi,
      memorySize: 512,
      // Erasing a long delivery history takes a while; API Gateway waits at most 29 s.
      timeout: Duration.seconds(28),
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      templateBundle: props.templateBundle,
    }).fn;
  }
}
