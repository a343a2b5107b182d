import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createAlarmTopic, notifyOn } from './alarm-topic.js';
import {
  END_TO_END_LATENCY_METRIC,
  ENGAGEMENT_METRICS,
  METRICS_NAMESPACE,
  ORCHESTRATOR_SERVICE_NAME,
  OUTCOME_METRICS,
  PROVIDER_NOT_AUTHORIZED_METRIC,
} from '../../functions/definitions/metrics.js';

export interface MonitoringProps {
  dashboardName: string;
  alarmEmail: string;
  requestsQueue: sqs.IQueue;
  /** Label → dead-letter queue; any message in one is an alarm. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  /** The group of the one-time schedules that wake deferred requests. */
  wakeSchedules: scheduler.IScheduleGroup;
  /** Label → function, for errors, throttles and duration. */
  functions: Record<string, lambda.IFunction>;
  orchestrator: lambda.IFunction;
  /** A send request this old has probably missed its moment. */
  maxRequestAge: Duration;
  removalPolicy: RemovalPolicy;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Handlers publish each metric twice: under `service` alone and split by `channel` / `reason`.
 * A search term naming the dimension picks the split series whatever else they carry; the
 * `{namespace,service}` schema picks the totals only.
 */
function split(metricName: string, dimension: 'channel' | 'reason', statistic = 'Sum', prefix = metricName): cloudwatch.MathExpression {
  return searchExpression(`Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}" ${dimension}`, statistic, `${prefix} \${PROP('Dim.${dimension}')}`);
}
function total(metricName: string): cloudwatch.MathExpression {
  return searchExpression(`{${METRICS_NAMESPACE},service} MetricName="${metricName}"`, 'Sum', metricName);
}
function searchExpression(query: string, statistic: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${query}', '${statistic}', ${FIVE_MINUTES.toSeconds()})`,
    usingMetrics: {},
    label,
    period: FIVE_MINUTES,
  });
}

/** The operations dashboard and the alarms that page the platform team by e-mail. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = createAlarmTopic(this, { alarmEmail: props.alarmEmail, removalPolicy: props.removalPolicy });

    for (const [label, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${label}DeadLettersNotEmpty`, {
        alarmDescription: `Messages reached the ${label} dead-letter queue: inspect and redrive them.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    this.alarm('RequestsOldestMessageAge', {
      alarmDescription: 'Send requests wait too long in the queue: the orchestrator is failing or starved.',
      metric: props.requestsQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: props.maxRequestAge.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    // A failed delivery is retried and then dead-lettered (the alarm above); these two are the wakes
    // that reached neither the queue nor the dead-letter queue, and so are lost.
    this.alarm('WakesLost', {
      alarmDescription: 'Wake schedules fired but their wake reached neither the requests queue nor their dead-letter queue: the requests they stand for are never woken.',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(dropped, 0) + FILL(unsent, 0)',
        usingMetrics: {
          dropped: props.wakeSchedules.metricDropped({ period: FIVE_MINUTES, statistic: 'Sum' }),
          unsent: props.wakeSchedules.metricFailedToBeSentToDLQ(undefined, { period: FIVE_MINUTES, statistic: 'Sum' }),
        },
        label: 'Wakes lost',
        period: FIVE_MINUTES,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const { orchestrator } = props;
    this.alarm('OrchestratorErrorRate', {
      alarmDescription: 'More than 5% of orchestrator invocations fail.',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: { errors: orchestrator.metricErrors({ period: FIVE_MINUTES }), invocations: orchestrator.metricInvocations({ period: FIVE_MINUTES }) },
        label: 'Orchestrator error rate (%)',
        period: FIVE_MINUTES,
      }),
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    // A refused permission fails every message on that path (and fails over the rest): one is enough.
    this.alarm('ProviderNotAuthorized', {
      alarmDescription: 'A provider refused a send because the orchestrator role lacks a permission: check its IAM policy.',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: PROVIDER_NOT_AUTHORIZED_METRIC,
        dimensionsMap: { service: ORCHESTRATOR_SERVICE_NAME },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    for (const [label, fn] of Object.entries(props.functions)) {
      this.alarm(`${label}Throttles`, {
        alarmDescription: `The ${label} function is throttled: raise its concurrency or lower the event source's.`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          graph('Requests received', [props.requestsQueue.metricNumberOfMessagesSent({ period: FIVE_MINUTES, label: 'Enqueued' })]),
          graph('Sent by channel', [split(OUTCOME_METRICS.SENT, 'channel')]),
          graph('Suppressed by reason', [split(OUTCOME_METRICS.SUPPRESSED, 'reason')]),
        ],
        [
          graph(
            'Delivered, opened, clicked',
            [ENGAGEMENT_METRICS.delivered, ENGAGEMENT_METRICS.opened, ENGAGEMENT_METRICS.clicked].map((name) => split(name, 'channel')),
          ),
          graph(
            'Bounced, complained',
            [ENGAGEMENT_METRICS.bounced, ENGAGEMENT_METRICS.complained].map((name) => split(name, 'channel')),
          ),
          graph(
            'Failed, rejected, expired, retried, not authorized',
            [OUTCOME_METRICS.FAILED, OUTCOME_METRICS.REJECTED, OUTCOME_METRICS.EXPIRED, OUTCOME_METRICS.RETRY, PROVIDER_NOT_AUTHORIZED_METRIC].map(total),
          ),
        ],
        [
          graph(
            'End-to-end latency (ms)',
            ['p50', 'p95', 'p99'].map((stat) => split(END_TO_END_LATENCY_METRIC, 'channel', stat, stat)),
          ),
          graph(
            'Dead-letter queue depth',
            Object.entries(props.deadLetterQueues).map(([label, queue]) =>
              queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum', label }),
            ),
          ),
          graph(
            'Lambda errors',
            Object.entries(props.functions).map(([label, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label })),
          ),
        ],
      ],
    });
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): void {
    const alarm = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    notifyOn(this.topic, alarm);
    this.alarms.push(alarm);
  }
}

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
}
