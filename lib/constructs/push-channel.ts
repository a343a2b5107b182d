import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';

export interface PushChannelProps {
  /** An existing Pinpoint (End User Messaging) application with its APNs/FCM channels set up. */
  applicationId: string;
}

/** Push through Pinpoint SendMessages to raw device tokens; the application itself lives outside the stack. */
export class PushChannel extends Construct {
  private readonly applicationId: string;

  constructor(scope: Construct, id: string, props: PushChannelProps) {
    super(scope, id);
    this.applicationId = props.applicationId;
  }

  bindSender(fn: lambda.Function): void {
    fn.addEnvironment(ENV.pinpointApplicationId, this.applicationId);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['mobiletargeting:SendMessages'],
        resources: [Stack.of(this).formatArn({ service: 'mobiletargeting', resource: 'apps', resourceName: `${this.applicationId}/messages` })],
      }),
    );
  }
}
