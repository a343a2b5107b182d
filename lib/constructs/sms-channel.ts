import { Aws, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';
import { NAG } from '../nag.js';

export interface SmsChannelProps {
  senderId?: string;
  originationNumber?: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * SMS through SNS Publish, with delivery-status logging switched on. SNS SMS attributes are
 * account-level and have no CloudFormation resource, hence the SDK call; SNS writes one log
 * group for successes and one for failures, which the stack creates so it owns their retention.
 */
export class SmsChannel extends Construct {
  /** Where SNS writes delivery status, by outcome. */
  readonly statusLogGroups: { Success: logs.LogGroup; Failure: logs.LogGroup };
  private readonly props: SmsChannelProps;

  constructor(scope: Construct, id: string, props: SmsChannelProps) {
    super(scope, id);
    this.props = props;
    const base = `sns/${Aws.REGION}/${Aws.ACCOUNT_ID}/DirectPublishToPhoneNumber`;
    const logGroup = (id: string, logGroupName: string) =>
      new logs.LogGroup(this, id, {
        logGroupName,
        retention: props.logRetentionDays as logs.RetentionDays,
        removalPolicy: props.removalPolicy,
      });
    this.statusLogGroups = { Success: logGroup('SuccessLogs', base), Failure: logGroup('FailureLogs', `${base}/Failure`) };

    const statusRole = new iam.Role(this, 'DeliveryStatusRole', {
      description: 'Assumed by SNS to write SMS delivery status logs',
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    for (const group of Object.values(this.statusLogGroups)) group.grantWrite(statusRole);

    const setAttributes = new cr.AwsCustomResource(this, 'DeliveryStatusLogging', {
      // Delete leaves the attributes alone: they are account-wide and another workload may rely on them.
      onUpdate: {
        service: 'SNS',
        action: 'SetSMSAttributes',
        parameters: {
          attributes: { DeliveryStatusIAMRole: statusRole.roleArn, DeliveryStatusSuccessSamplingRate: '100' },
        },
        physicalResourceId: cr.PhysicalResourceId.of('switchboard-sms-delivery-status'),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [statusRole.roleArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'CustomResourceLogs', {
        retention: props.logRetentionDays as logs.RetentionDays,
        removalPolicy: props.removalPolicy,
      }),
    });
    Validations.of(setAttributes).acknowledge({
      id: NAG.anyResource,
      reason: 'sns:SetSMSAttributes is an account-level call with no resource-level permissions.',
    });
    acknowledgeSdkCallProvider(Stack.of(this));
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

  /** Streams both delivery-status log groups to `fn`. */
  routeStatusTo(fn: lambda.IFunction): void {
    for (const [outcome, logGroup] of Object.entries(this.statusLogGroups)) {
      new logs.SubscriptionFilter(this, `StatusTo${outcome}`, {
        logGroup,
        destination: new destinations.LambdaDestination(fn),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    }
  }
}

/** The SDK-call provider is a stack-wide singleton function owned by the CDK, not by us. */
function acknowledgeSdkCallProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (!provider) return;
  Validations.of(provider).acknowledge(
    { id: NAG.lambdaBasicExecutionRole, reason: 'The CDK SDK-call provider uses AWSLambdaBasicExecutionRole only to write its own logs.' },
    { id: 'AwsSolutions-L1', reason: 'The runtime of the CDK-managed SDK-call provider is chosen by aws-cdk-lib.' },
  );
}
