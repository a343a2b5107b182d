import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './synth.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize({ alarmEmail: 'oncall@example.com' });
});
afterAll(() => synthesized.cleanup());

const template = () => synthesized.template;
const idOf = (type: string, prefix: string) => Object.keys(template().findResources(type)).find((id) => id.startsWith(prefix)) as string;
const alarms = () => Object.values(template().findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
const topicRef = () => ({ Ref: idOf('AWS::SNS::Topic', 'MonitoringAlarmTopic') });

describe('alarms', () => {
  it('e-mail the configured address through a KMS-encrypted topic CloudWatch may use', () => {
    const keyId = idOf('AWS::KMS::Key', 'MonitoringAlarmTopicKey');
    template().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topicRef() });
    template().hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]),
      },
    });
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([topicRef()]);
      expect(alarm.OKActions).toEqual([topicRef()]);
    }
  });

  it('fire as soon as any dead-letter queue holds a message', () => {
    for (const queue of ['RequestsDeadLetters', 'FeedbackDeadLetters', 'WakeSchedulesDeadLetters']) {
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', queue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    }
  });

  it('fire on the first wake a schedule dropped or could not dead-letter', () => {
    const lost = alarms().find((alarm) => alarm.Metrics?.some((m: { Expression?: string }) => m.Expression === 'FILL(dropped, 0) + FILL(unsent, 0)'));
    expect(lost).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const scheduler = (metricName: string) => ({
      Metric: { Namespace: 'AWS/Scheduler', MetricName: metricName, Dimensions: [{ Name: 'ScheduleGroup', Value: 'switchboard-dev-wakes' }] },
      Period: 300,
      Stat: 'Sum',
    });
    expect(lost.Metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'dropped', MetricStat: scheduler('InvocationDroppedCount'), ReturnData: false }),
        expect.objectContaining({ Id: 'unsent', MetricStat: scheduler('InvocationsFailedToBeSentToDeadLetterCount'), ReturnData: false }),
      ]),
    );
  });

  it('fire when the oldest send request is older than five minutes', () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'RequestsQueue'), 'QueueName'] } }],
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('fire on an orchestrator error rate above 5%', () => {
    const orchestrator = { Ref: idOf('AWS::Lambda::Function', 'OrchestratorHandlerFunction') };
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: orchestrator }] }) }),
        }),
        Match.objectLike({ Id: 'invocations', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations' }) }) }),
      ]),
    });
  });

  it('fire on the first send a provider refused for want of a permission', () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Switchboard',
      MetricName: 'ProviderNotAuthorized',
      Dimensions: [{ Name: 'service', Value: 'switchboard-orchestrator' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('fire when any function is throttled', () => {
    const throttled = alarms()
      .filter((alarm) => alarm.MetricName === 'Throttles')
      .map((alarm) => alarm.Dimensions[0].Value.Ref as string)
      .sort();
    const handlers = [
      'OrchestratorHandlerFunction',
      'FeedbackFunction',
      'InboxApiFunction',
      'HistoryApiFunction',
      'ProfileApiHandlerFunction',
      'IngestHandlerFunction',
      'UnsubscribeFunction',
      'PreferencesHandlerFunction',
      'StatusEventsPublisherFunction',
      'PriorsRefreshHandlerFunction',
    ];
    expect(throttled).toEqual(handlers.map((prefix) => idOf('AWS::Lambda::Function', prefix)).sort());
  });
});

describe('dashboard', () => {
  /** The dashboard body with every CloudFormation reference replaced by a placeholder. */
  const widgets = () => {
    const body = Object.values(template().findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody;
    const parts = body['Fn::Join'][1] as unknown[];
    const text = parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('');
    return (JSON.parse(text) as { widgets: { properties: { title: string; metrics: unknown[][] } }[] }).widgets.map((w) => w.properties);
  };
  const expressions = () => widgets().flatMap((widget) => widget.metrics.map((metric) => (metric[0] as { expression?: string }).expression).filter(Boolean));
  const metricNames = () => widgets().flatMap((widget) => widget.metrics.map((metric) => metric.slice(0, 2).join('/')));

  it('graphs the Switchboard metrics by channel and by reason', () => {
    for (const metric of ['Sent', 'Delivered', 'Opened', 'Clicked', 'Bounced', 'Complained']) {
      expect(expressions()).toContain(`SEARCH('Namespace="Switchboard" MetricName="${metric}" channel', 'Sum', 300)`);
    }
    expect(expressions()).toContain(`SEARCH('Namespace="Switchboard" MetricName="Suppressed" reason', 'Sum', 300)`);
    for (const metric of ['Failed', 'Rejected', 'Expired', 'Retry', 'ProviderNotAuthorized']) {
      expect(expressions()).toContain(`SEARCH('{Switchboard,service} MetricName="${metric}"', 'Sum', 300)`);
    }
  });

  it('graphs end-to-end latency percentiles, dead-letter depth, requests received and Lambda errors', () => {
    for (const stat of ['p50', 'p95', 'p99']) {
      expect(expressions()).toContain(`SEARCH('Namespace="Switchboard" MetricName="EndToEndLatency" channel', '${stat}', 300)`);
    }
    expect(metricNames()).toEqual(expect.arrayContaining(['AWS/SQS/NumberOfMessagesSent', 'AWS/SQS/ApproximateNumberOfMessagesVisible', 'AWS/Lambda/Errors']));
    expect(widgets().map((widget) => widget.title)).toContain('End-to-end latency (ms)');
  });
});
