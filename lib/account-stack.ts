import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { createAlarmTopic, notifyOn } from './constructs/alarm-topic.js';
import { ApiGatewayLoggingRole } from './constructs/api-gateway-logging-role.js';
import { SmsDeliveryStatus } from './constructs/sms-delivery-status.js';
import type { AccountSettings } from './settings.js';

/** The account stack's name: one per account and region, whatever the stages. */
export const ACCOUNT_STACK_NAME = 'Switchboard-account';

export interface SwitchboardAccountStackProps extends StackProps {
  settings: AccountSettings;
  /** The SMS status fan-out function's entry point. */
  smsStatusFanOutEntry: string;
}

/**
 * What exists once per account and region and every stage shares (docs/deploy.md, "Account-level
 * resources"): SNS's SMS delivery-status logging and its fan-out to the stages, and, unless it is
 * managed elsewhere, API Gateway's logging role. Deployed before the first stage, deleted after
 * the last; deleting a stage never touches it.
 */
export class SwitchboardAccountStack extends Stack {
  readonly smsStatus: SmsDeliveryStatus;

  constructor(scope: Construct, id: string, props: SwitchboardAccountStackProps) {
    super(scope, id, props);
    const { settings } = props;
    // Shared by every stage: nothing here holds data a stage would miss, so nothing is retained but the logs SNS writes.
    const removalPolicy = RemovalPolicy.DESTROY;
    this.smsStatus = new SmsDeliveryStatus(this, 'SmsDeliveryStatus', {
      entry: props.smsStatusFanOutEntry,
      statusLogRetentionDays: settings.smsStatusLogRetentionDays,
      logRetentionDays: settings.smsStatusLogRetentionDays,
      removalPolicy,
    });
    if (settings.apiGatewayLoggingRole === 'create') new ApiGatewayLoggingRole(this, 'ApiGatewayLogging');

    const topic = createAlarmTopic(this, { alarmEmail: settings.alarmEmail, removalPolicy });
    const alarm = new cloudwatch.Alarm(this, 'SmsStatusDeadLettersNotEmpty', {
      alarmDescription: 'SMS delivery statuses reached the fan-out dead-letter queue, so no stage saw them: inspect and redrive them.',
      metric: this.smsStatus.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(topic, alarm);
  }
}
