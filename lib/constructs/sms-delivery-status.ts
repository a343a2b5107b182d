import { Aws, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DEFAULT_EVENT_BUS } from '../../functions/definitions/events.js';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { smsStatusLogGroupNames } from '../../functions/definitions/sms-status.js';
import { requestsQueue } from '../../functions/definitions/tables.js';
import { NAG } from '../nag.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { HandlerFunction } from './handler-function.js';

export interface SmsDeliveryStatusProps {
  /** The fan-out function's entry point. */
  entry: string;
  /** Retention of the two log groups SNS writes to. */
  statusLogRetentionDays: number;
  /** Retention of the stack's own logs (the fan-out's and the SDK-call provider's). */
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * SNS SMS delivery status for the whole account and region (docs/deploy.md, "Account-level
 * resources"). SNS's SMS settings and its two log groups exist once per account, whatever number
 * of stages send SMS, and CloudWatch Logs allows two subscription filters per group: so one
 * fan-out function subscribes to both and puts every status on the default bus, where each
 * stage's feedback function has a rule of its own.
 */
export class SmsDeliveryStatus extends Construct {
  readonly fanOut: lambda.Function;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SmsDeliveryStatusProps) {
    super(scope, id);
    const groupNames = smsStatusLogGroupNames(Aws.REGION, Aws.ACCOUNT_ID);
    const groups = { Success: groupNames.success, Failure: groupNames.failure };
    const groupArn = (name: string) => `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${name}`;
    const providerLogs = new logs.LogGroup(this, 'CustomResourceLogs', { retention: props.logRetentionDays as logs.RetentionDays, removalPolicy: props.removalPolicy });
    const sdkCall = (callId: string, call: cr.AwsSdkCall, statements: iam.PolicyStatement[], onDelete?: cr.AwsSdkCall) =>
      new cr.AwsCustomResource(this, callId, {
        onCreate: call,
        onUpdate: call,
        ...(onDelete ? { onDelete } : {}),
        policy: cr.AwsCustomResourcePolicy.fromStatements(statements),
        installLatestAwsSdk: false,
        logGroup: providerLogs,
      });

    // IAM names a log group by its ARN with `:*`, which also covers its streams; the grants below
    // are to these two groups alone.
    Validations.of(this).acknowledge(
      ...Object.values(smsStatusLogGroupNames('<AWS::Region>', '<AWS::AccountId>')).map((name) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${name}:*]`,
        reason: 'One SNS SMS status log group and the streams SNS names as it writes: CloudWatch Logs authorizes a group by its ARN with `:*`.',
      })),
    );

    // SNS creates the groups itself the first time it logs; a stack creating them by name would
    // fail where SMS logging was ever on. So they are created only when missing, adopted when not,
    // and left in place on deletion.
    const ready: Construct[] = [];
    for (const [outcome, logGroupName] of Object.entries(groups)) {
      const arn = groupArn(logGroupName);
      const created = sdkCall(
        `${outcome}LogGroup`,
        {
          service: 'CloudWatchLogs',
          action: 'CreateLogGroup',
          parameters: { logGroupName },
          ignoreErrorCodesMatching: 'ResourceAlreadyExistsException',
          physicalResourceId: cr.PhysicalResourceId.of(logGroupName),
        },
        [new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [`${arn}:*`] })],
      );
      const retained = sdkCall(
        `${outcome}LogRetention`,
        {
          service: 'CloudWatchLogs',
          action: 'PutRetentionPolicy',
          parameters: { logGroupName, retentionInDays: props.statusLogRetentionDays },
          physicalResourceId: cr.PhysicalResourceId.of(`${logGroupName}:retention`),
        },
        [new iam.PolicyStatement({ actions: ['logs:PutRetentionPolicy'], resources: [`${arn}:*`] })],
      );
      retained.node.addDependency(created);
      ready.push(retained);
    }

    // What SNS's documentation lists for SMS delivery-status logging, on the two groups only.
    const statusRole = new iam.Role(this, 'DeliveryStatusRole', {
      description: 'Assumed by SNS to write SMS delivery status logs',
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    statusRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: Object.values(groups).map((name) => `${groupArn(name)}:*`),
      }),
    );

    const attributes = sdkCall(
      'DeliveryStatusLogging',
      {
        service: 'SNS',
        action: 'SetSMSAttributes',
        parameters: { attributes: { DeliveryStatusIAMRole: statusRole.roleArn, DeliveryStatusSuccessSamplingRate: '100' } },
        physicalResourceId: cr.PhysicalResourceId.of('switchboard-sms-delivery-status'),
      },
      [new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }), new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [statusRole.roleArn] })],
      // The role goes with this stack: logging is switched off rather than left naming a role that is gone.
      {
        service: 'SNS',
        action: 'SetSMSAttributes',
        parameters: { attributes: { DeliveryStatusIAMRole: '', DeliveryStatusSuccessSamplingRate: '0' } },
        ignoreErrorCodesMatching: 'InvalidParameter',
      },
    );
    Validations.of(attributes).acknowledge({ id: NAG.anyResource, reason: 'sns:SetSMSAttributes is an account-level call with no resource-level permissions.' });
    acknowledgeSdkCallProvider(Stack.of(this));

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', {
      // As long as the stages keep their dead letters.
      retentionDays: requestsQueue.deadLetterRetentionDays,
      removalPolicy: props.removalPolicy,
      holds: 'SMS status log batches the fan-out could not put on the default bus',
    });
    this.fanOut = new HandlerFunction(this, 'FanOut', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.smsStatusFanout,
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).fn;
    this.fanOut.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: DEFAULT_EVENT_BUS })],
      }),
    );
    this.fanOut.configureAsyncInvoke({ onFailure: this.deadLetterQueue.asFailureDestination(), retryAttempts: 2 });

    for (const [outcome, logGroupName] of Object.entries(groups)) {
      const filter = new logs.SubscriptionFilter(this, `${outcome}ToFanOut`, {
        logGroup: logs.LogGroup.fromLogGroupName(this, `${outcome}Logs`, logGroupName),
        destination: new destinations.LambdaDestination(this.fanOut),
        filterPattern: logs.FilterPattern.allEvents(),
      });
      filter.node.addDependency(...ready, attributes);
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
