import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it('creates both SNS delivery-status log groups with retention', () => {
    for (const suffix of ['/DirectPublishToPhoneNumber', '/DirectPublishToPhoneNumber/Failure']) {
      template().hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: { 'Fn::Join': ['', ['sns/', { Ref: 'AWS::Region' }, '/', { Ref: 'AWS::AccountId' }, suffix]] },
        RetentionInDays: 30,
      });
    }
  });

  it('switches delivery-status logging on account-wide with a role SNS assumes', () => {
    const roleId = idOf('AWS::IAM::Role', 'SmsDeliveryStatusRole');
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
      },
    });
    const call = Object.values(template().findResources('Custom::AWS'))[0]?.Properties.Update as { 'Fn::Join': [string, unknown[]] };
    const [before, role, after] = call['Fn::Join'][1] as [string, unknown, string];
    expect(JSON.parse(`${before}ROLE${after}`)).toMatchObject({
      service: 'SNS',
      action: 'SetSMSAttributes',
      parameters: { attributes: { DeliveryStatusIAMRole: 'ROLE', DeliveryStatusSuccessSamplingRate: '100' } },
    });
    expect(role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(grantsOf(template(), 'SmsDeliveryStatusLoggingCustomResourcePolicy')).toEqual({
      '*': ['sns:SetSMSAttributes'],
      [roleId]: ['iam:PassRole'],
    });
    expect(grantsOf(template(), 'SmsDeliveryStatusRole')).toEqual({
      [idOf('AWS::Logs::LogGroup', 'SmsSuccessLogs')]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [idOf('AWS::Logs::LogGroup', 'SmsFailureLogs')]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    });
  });

  it('streams both log groups to the feedback function', () => {
    const feedbackArn = { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'FeedbackFunction'), 'Arn'] };
    const filters = Object.values(template().findResources('AWS::Logs::SubscriptionFilter'));
    expect(filters.map((filter) => filter.Properties.LogGroupName.Ref).sort()).toEqual(
      [idOf('AWS::Logs::LogGroup', 'SmsFailureLogs'), idOf('AWS::Logs::LogGroup', 'SmsSuccessLogs')].sort(),
    );
    for (const filter of filters) expect(filter.Properties).toMatchObject({ DestinationArn: feedbackArn, FilterPattern: '' });
    template().hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: feedbackArn,
      Principal: 'logs.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [idOf('AWS::Logs::LogGroup', 'SmsSuccessLogs'), 'Arn'] },
    });
  });

  it('lets the orchestrator publish SMS, which SNS only authorizes against "*"', () => {
    expect(grantsOf(template(), 'OrchestratorHandlerFunctionServiceRole')['*']).toContain('sns:Publish');
    expect(JSON.stringify(grantsOf(template(), 'FeedbackFunctionServiceRole'))).not.toContain('sns:');
  });
});
