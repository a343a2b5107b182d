import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { ENV } from '../../functions/definitions/tables.js';
import { HandlerFunction } from './handler-function.js';

export interface PreferenceCentreProps {
  entry: string;
  /** The compiled templates: the topic registry the page shows and the API checks against travels in it. */
  templateBundle: string;
  brandName: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** The function behind the preference centre page and the app's `/preferences`; tables, secret and routes bind to `fn`. */
export class PreferenceCentre extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: PreferenceCentreProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.preferences,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
      templateBundle: props.templateBundle,
    }).fn;
    this.fn.addEnvironment(ENV.brandName, props.brandName);
  }
}
