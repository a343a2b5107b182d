import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SMS_STATUS_DETAIL_TYPE, SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { ENV } from '../../functions/definitions/tables.js';
import { NAG } from '../nag.js';

export interface SmsChannelProps {
  senderId?: string;
  originationNumber?: string;
}

/**
 * SMS through SNS Publish. Delivery status is account-wide (the account stack's
 * `SmsDeliveryStatus` logs it and puts each status on the default bus); a stage takes it from
 * there with a rule of its own, however many stages share the account.
 */
export class SmsChannel extends Construct {
  private readonly props: SmsChannelProps;

  constructor(scope: Construct, id: string, props: SmsChannelProps) {
    super(scope, id);
    this.props = props;
  }

  /**
   * Sets the sender variables and allows what the SMS sender calls: the opt-out check it makes
   * before marketing messages, and Publish to phone numbers and nothing with an ARN.
   */
  bindSender(fn: lambda.Function): void {
    if (this.props.senderId) fn.addEnvironment(ENV.smsSenderId, this.props.senderId);
    if (this.props.originationNumber) fn.addEnvironment(ENV.smsOriginationNumber, this.props.originationNumber);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:CheckIfPhoneNumberIsOptedOut', 'sns:Publish'], resources: ['*'] }));
    // Publish on "*" would also reach every topic and platform endpoint; a phone number has no ARN, so this leaves SMS alone.
    fn.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }));
    Validations.of(fn).acknowledge({
      id: NAG.anyResource,
      reason:
        'SNS authorizes Publish to a phone number and CheckIfPhoneNumberIsOptedOut only against Resource "*" (no ARN exists); X-Ray tracing actions likewise have no resource-level permissions.',
    });
  }

  /**
   * Every SMS status of the account to `fn`: statuses of another stage's messages find no record
   * here and are counted as unmatched. What cannot be delivered after the retries is parked in
   * `deadLetterQueue`.
   */
  routeStatusTo(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue): events.Rule {
    return new events.Rule(this, 'StatusRule', {
      description: 'SNS SMS delivery statuses of the account to the feedback function',
      eventPattern: { source: [SMS_STATUS_EVENT_SOURCE], detailType: [SMS_STATUS_DETAIL_TYPE] },
      targets: [new targets.LambdaFunction(fn, { deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }
}
