import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../functions/definitions/metrics.js';
import { HandlerFunction } from './handler-function.js';
import type { SwitchboardTable } from './tables.js';

export interface PriorsRefreshProps {
  entry: string;
  /** Read with a bounded Scan: what the priors are learned from. */
  deliveries: SwitchboardTable;
  /** Where the priors are kept, one item beside the frequency counters. */
  counters: SwitchboardTable;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The priors refresher (docs/architecture.md, "The priors refresher"): once an hour a schedule
 * invokes the function, which learns the priors from the recent delivery records and stores
 * them. It may Scan the deliveries table and put items in the counters table, nothing more.
 */
export class PriorsRefresh extends Construct {
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: PriorsRefreshProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: props.entry,
      serviceName: SERVICE_NAMES.priorsRefresh,
      // A bounded read of a few dozen pages, and one write.
      timeout: Duration.minutes(2),
      memorySize: 512,
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).fn;
    props.deliveries.bind(this.fn, { actions: ['Scan'] });
    props.counters.bind(this.fn, { actions: ['PutItem'] });
    new events.Rule(this, 'Schedule', {
      description: 'Refreshes the learned priors the orchestrator decides with',
      schedule: events.Schedule.rate(Duration.hours(1)),
      // A missed refresh is made up by the next one: the priors stored before stand meanwhile.
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
  }
}
