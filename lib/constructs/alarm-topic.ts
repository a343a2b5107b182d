import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface AlarmTopicProps {
  alarmEmail: string;
  removalPolicy: RemovalPolicy;
}

/**
 * An encrypted topic that e-mails the platform team when an alarm of this account changes state.
 * Created directly in `scope` (ids `AlarmTopicKey` and `AlarmTopic`) so that a stack's topic
 * keeps its logical id, and its confirmed e-mail subscription, wherever the code lives.
 */
export function createAlarmTopic(scope: Construct, props: AlarmTopicProps): sns.Topic {
  // CloudWatch can only publish to an encrypted topic through a customer managed key it may use.
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the Switchboard alarm topic',
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  // Only for alarms of this account: CloudWatch names the alarm that publishes as the source.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
      },
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName: 'Switchboard alarms', masterKey: key, enforceSSL: true });
  topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  return topic;
}

/** Notifies `topic` on entering and on leaving the alarm state. */
export function notifyOn(topic: sns.ITopic, alarm: cloudwatch.Alarm): void {
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
}
