import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { ACCOUNT_STACK_NAME } from '../../lib/account-stack.js';
import { grantsOf, render } from './iam.js';
import { synthesize, synthesizeAccount, type Synthesized } from './synth.js';

let synthesized: Synthesized;
let managedElsewhere: ReturnType<typeof synthesizeAccount>;
beforeAll(() => {
  synthesized = synthesize();
  managedElsewhere = synthesizeAccount({ apiGatewayLoggingRole: 'existing', smsStatusLogRetentionDays: 90 });
});
afterAll(() => {
  synthesized.cleanup();
  managedElsewhere.cleanup();
});

const template = () => synthesized.accountTemplate;
const idOf = (type: string, prefix: string) => Object.keys(template().findResources(type)).find((id) => id.startsWith(prefix)) as string;
const SUCCESS_GROUP = 'sns/<Region>/<AccountId>/DirectPublishToPhoneNumber';
const FAILURE_GROUP = `${SUCCESS_GROUP}/Failure`;
const streamsOf = (group: string) => `arn:<Partition>:logs:<Region>:<AccountId>:log-group:${group}:*`;

interface SdkCall {
  service: string;
  action: string;
  parameters: Record<string, unknown>;
  ignoreErrorCodesMatching?: string;
  physicalResourceId?: { id: string };
}

/** The SDK calls of every `AwsCustomResource`, by logical id, with the stack's tokens rendered (`<Region>`, `<Role.Arn>`). */
function sdkCalls(from = template()): Record<string, { create?: SdkCall; update?: SdkCall; delete?: SdkCall; dependsOn: string[] }> {
  const read = (value: unknown) => (value === undefined ? undefined : (JSON.parse(render(value)) as SdkCall));
  return Object.fromEntries(
    Object.entries(from.findResources('Custom::AWS')).map(([id, resource]) => [
      id,
      { create: read(resource.Properties.Create), update: read(resource.Properties.Update), delete: read(resource.Properties.Delete), dependsOn: resource.DependsOn ?? [] },
    ]),
  );
}
const callsOf = (action: string, from = template()) => Object.entries(sdkCalls(from)).filter(([, call]) => call.create?.action === action);

describe('the account stack', () => {
  it('is one stack per account and region that every stage depends on, through no export a deletion would have to respect', () => {
    expect(synthesized.accountStack.stackName).toBe(ACCOUNT_STACK_NAME);
    expect(synthesized.stack.dependencies.map((stack) => stack.stackName)).toEqual([ACCOUNT_STACK_NAME]);
    expect(JSON.stringify(synthesized.template.toJSON())).not.toContain('Fn::ImportValue');
    expect(template().toJSON().Outputs ?? {}).toEqual({});
  });
});

describe('SMS delivery-status log groups', () => {
  it('are created only when missing and adopted when SNS made them already, never created by name by CloudFormation', () => {
    const creations = callsOf('CreateLogGroup');
    expect(creations.map(([, call]) => call.create?.parameters.logGroupName).sort()).toEqual([SUCCESS_GROUP, FAILURE_GROUP]);
    for (const [, call] of creations) {
      expect(call.update).toEqual(call.create);
      expect(call.create).toMatchObject({ service: 'CloudWatchLogs', ignoreErrorCodesMatching: 'ResourceAlreadyExistsException' });
      // Left in place on deletion: SNS writes to them whether or not the stack exists.
      expect(call.delete).toBeUndefined();
    }
    expect(JSON.stringify(template().findResources('AWS::Logs::LogGroup'))).not.toContain('DirectPublishToPhoneNumber');
  });

  it('keep the configured retention, set after the group surely exists', () => {
    const creationOf = Object.fromEntries(callsOf('CreateLogGroup').map(([id, call]) => [call.create?.parameters.logGroupName, id]));
    const retentions = callsOf('PutRetentionPolicy');
    expect(retentions).toHaveLength(2);
    for (const [, call] of retentions) {
      expect(call.create?.parameters.retentionInDays).toBe(30);
      expect(call.dependsOn).toContain(creationOf[call.create?.parameters.logGroupName as string]);
    }
    expect(callsOf('PutRetentionPolicy', managedElsewhere.template).map(([, call]) => call.create?.parameters.retentionInDays)).toEqual([90, 90]);
  });

  it('lets the SDK calls touch those two groups and nothing else', () => {
    for (const [id, call] of [...callsOf('CreateLogGroup'), ...callsOf('PutRetentionPolicy')]) {
      expect(grantsOf(template(), `${id.replace(/[0-9A-F]{8}$/, '')}CustomResourcePolicy`)).toEqual({
        [streamsOf(call.create?.parameters.logGroupName as string)]: [`logs:${call.create?.action}`],
      });
    }
  });
});

describe('SMS delivery-status logging', () => {
  it('is switched on with a role only SNS of this account may assume, which may create the groups and write to them', () => {
    const roleId = idOf('AWS::IAM::Role', 'SmsDeliveryStatusDeliveryStatusRole');
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sns.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
      },
    });
    const actions = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
    expect(grantsOf(template(), 'SmsDeliveryStatusDeliveryStatusRole')).toEqual({ [streamsOf(SUCCESS_GROUP)]: actions, [streamsOf(FAILURE_GROUP)]: actions });

    const [[id, call] = []] = callsOf('SetSMSAttributes');
    expect(call?.create).toMatchObject({ service: 'SNS', parameters: { attributes: { DeliveryStatusIAMRole: `<${roleId}.Arn>`, DeliveryStatusSuccessSamplingRate: '100' } } });
    expect(call?.update).toEqual(call?.create);
    expect(grantsOf(template(), `${id?.replace(/[0-9A-F]{8}$/, '')}CustomResourcePolicy`)).toEqual({ '*': ['sns:SetSMSAttributes'], [roleId]: ['iam:PassRole'] });
  });

  it('is switched off when the stack goes, so SNS is not left naming a deleted role', () => {
    const [[, call] = []] = callsOf('SetSMSAttributes');
    expect(call?.delete).toMatchObject({ action: 'SetSMSAttributes', parameters: { attributes: { DeliveryStatusIAMRole: '', DeliveryStatusSuccessSamplingRate: '0' } } });
  });
});

describe('the SMS status fan-out', () => {
  const fanOut = () => idOf('AWS::Lambda::Function', 'SmsDeliveryStatusFanOut');

  it('is the one subscription of each log group, leaving CloudWatch Logs’ second one free', () => {
    const filters = Object.values(template().findResources('AWS::Logs::SubscriptionFilter'));
    expect(filters.map((filter) => render(filter.Properties.LogGroupName)).sort()).toEqual([SUCCESS_GROUP, FAILURE_GROUP]);
    for (const filter of filters) {
      expect(filter.Properties).toMatchObject({ DestinationArn: { 'Fn::GetAtt': [fanOut(), 'Arn'] }, FilterPattern: '' });
    }
    const invokers = Object.values(template().findResources('AWS::Lambda::Permission')).map((permission) => [
      permission.Properties.Principal,
      render(permission.Properties.SourceArn),
    ]);
    expect(invokers.sort()).toEqual([
      ['logs.amazonaws.com', `arn:<Partition>:logs:<Region>:<AccountId>:log-group:${FAILURE_GROUP}:*`],
      ['logs.amazonaws.com', `arn:<Partition>:logs:<Region>:<AccountId>:log-group:${SUCCESS_GROUP}:*`],
    ]);
  });

  it('subscribes only once the groups exist and logging is on', () => {
    for (const filter of Object.values(template().findResources('AWS::Logs::SubscriptionFilter'))) {
      const after = (filter.DependsOn as string[]).map((id) => template().toJSON().Resources[id]?.Type);
      expect(after.filter((type) => type === 'Custom::AWS')).toHaveLength(3);
    }
  });

  it('may put events on the default bus and nothing else, and parks what still fails in an alarmed dead-letter queue', () => {
    const role = `${fanOut().replace(/Function[0-9A-F]{8}$/, '')}FunctionServiceRole`;
    const queue = idOf('AWS::SQS::Queue', 'SmsDeliveryStatusDeadLetters');
    expect(grantsOf(template(), role)).toEqual({
      'arn:<Partition>:events:<Region>:<AccountId>:event-bus/default': ['events:PutEvents'],
      [queue]: ['sqs:SendMessage'],
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    });
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fanOut() },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      AlarmActions: [{ Ref: idOf('AWS::SNS::Topic', 'AlarmTopic') }],
    });
  });

  it('feeds the rule every stage has on the default bus', () => {
    synthesized.template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: [SMS_STATUS_EVENT_SOURCE] } });
  });
});

describe('API Gateway’s logging role', () => {
  it('is set for the account and kept when the stack goes, since every REST API of the account logs through it', () => {
    const roleId = idOf('AWS::IAM::Role', 'ApiGatewayLoggingRole');
    const account = Object.values(template().findResources('AWS::ApiGateway::Account'));
    expect(account).toHaveLength(1);
    expect(account[0]).toMatchObject({ Properties: { CloudWatchRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }, DeletionPolicy: 'Retain' });
    expect(template().toJSON().Resources[roleId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'apigateway.amazonaws.com' } }] } },
    });
  });

  it('is left alone when the account manages it elsewhere', () => {
    expect(managedElsewhere.template.findResources('AWS::ApiGateway::Account')).toEqual({});
    expect(JSON.stringify(managedElsewhere.template.findResources('AWS::IAM::Role'))).not.toContain('apigateway.amazonaws.com');
  });
});
