import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_STATUS_DETAIL_TYPE, SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { grantsOf } from './iam.js';
import { synthesize, type Synthesized } from './synth.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});
afterAll(() => synthesized.cleanup());

const template = () => synthesized.template;
const idOf = (type: string, prefix: string) => Object.keys(template().findResources(type)).find((id) => id.startsWith(prefix)) as string;

describe('email feedback', () => {
  it('creates the configured SES configuration set', () => {
    template().hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'switchboard-dev',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('publishes every SES event type to the default event bus', () => {
    const destinations = Object.values(template().findResources('AWS::SES::ConfigurationSetEventDestination'));
    expect(destinations).toHaveLength(1);
    const destination = destinations[0]?.Properties.EventDestination;
    expect(destination.Enabled).toBe(true);
    expect([...destination.MatchingEventTypes].sort()).toEqual([
      'bounce',
      'click',
      'complaint',
      'delivery',
      'deliveryDelay',
      'open',
      'reject',
      'renderingFailure',
      'send',
      'subscription',
    ]);
    expect(JSON.stringify(destination.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
  });

  it('routes only this configuration set’s SES events to the feedback function, with a dead-letter queue', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: idOf('AWS::SES::ConfigurationSet', 'Email') }] } } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'FeedbackFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'FeedbackDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });

  it('parks feedback events that still fail after Lambda’s retries', () => {
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf('AWS::Lambda::Function', 'FeedbackFunction') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'FeedbackDeadLetters'), 'Arn'] } } },
    });
  });
});

describe('SMS delivery status', () => {
  it('takes every SMS status of the account from the default bus, as the account stack puts it, with a dead-letter queue', () => {
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [SMS_STATUS_EVENT_SOURCE], 'detail-type': [SMS_STATUS_DETAIL_TYPE] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'FeedbackFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'FeedbackDeadLetters'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
        }),
      ],
    });
    const rule = Object.values(template().findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: [SMS_STATUS_EVENT_SOURCE] } } }))[0];
    expect(rule?.Properties.EventBusName).toBeUndefined();
  });

  it('leaves everything account-wide to the account stack: no log group, subscription, SNS role or SMS setting of its own', () => {
    expect(JSON.stringify(template().findResources('AWS::Logs::LogGroup'))).not.toContain('DirectPublishToPhoneNumber');
    expect(template().findResources('AWS::Logs::SubscriptionFilter')).toEqual({});
    expect(template().findResources('Custom::AWS')).toEqual({});
    expect(JSON.stringify(template().findResources('AWS::IAM::Role'))).not.toContain('sns.amazonaws.com');
  });

  it('lets the orchestrator publish SMS, which SNS only authorizes against "*"', () => {
    expect(grantsOf(template(), 'OrchestratorHandlerFunctionServiceRole')['*']).toContain('sns:Publish');
    expect(JSON.stringify(grantsOf(template(), 'FeedbackFunctionServiceRole'))).not.toContain('sns:');
  });
});
