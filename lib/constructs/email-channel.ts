import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../functions/definitions/tables.js';

/** Every SES event the feedback loop can learn from: status, engagement and suppression. */
export const SES_EVENT_TYPES = [
  ses.EmailSendingEvent.SEND,
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.RENDERING_FAILURE,
  ses.EmailSendingEvent.DELIVERY_DELAY,
  ses.EmailSendingEvent.SUBSCRIPTION,
];

export interface EmailChannelProps {
  /** A verified SES identity: a domain or an e-mail address. */
  senderIdentity: string;
  fromAddress: string;
  configurationSetName: string;
}

/** SES sending through a configuration set whose events are published to EventBridge. */
export class EmailChannel extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  private readonly props: EmailChannelProps;

  constructor(scope: Construct, id: string, props: EmailChannelProps) {
    super(scope, id);
    this.props = props;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    new ses.ConfigurationSetEventDestination(this, 'ToEventBridge', {
      configurationSet: this.configurationSet,
      // SES publishes to EventBridge only on the account's default bus.
      destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: SES_EVENT_TYPES,
    });
  }

  /**
   * Sets the sender variables and grants SendEmail on exactly this configuration set and the
   * identities SES may authorize the from-address against: the sender identity and, should the
   * from-address be verified on its own as well (SES then checks that more specific identity),
   * the from-address.
   */
  bindSender(fn: lambda.Function): void {
    fn.addEnvironment(ENV.sesConfigurationSet, this.configurationSet.configurationSetName);
    fn.addEnvironment(ENV.sesFromAddress, this.props.fromAddress);
    const stack = Stack.of(this);
    const identities = [...new Set([this.props.senderIdentity, this.props.fromAddress])];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          ...identities.map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
  }

  /** Routes this configuration set's events (and no other SES traffic in the account) to `fn`. */
  routeEventsTo(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue): events.Rule {
    return new events.Rule(this, 'EventsRule', {
      description: 'SES events of the Switchboard configuration set to the feedback function',
      eventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new targets.LambdaFunction(fn, { deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }
}
