import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsQueue } from '../../functions/definitions/tables.js';
import { grantsOf } from './iam.js';
import { synthesize, type Synthesized } from './synth.js';

const PROD = {
  stage: 'prod',
  senderIdentity: 'shop.test',
  fromAddress: 'news@shop.test',
  alarmEmail: 'oncall@shop.test',
  jwtIssuer: 'https://id.shop.test/',
  brandName: 'Shop',
};

let dev: Synthesized;
let prod: Synthesized;
beforeAll(() => {
  dev = synthesize();
  prod = synthesize(PROD);
});
afterAll(() => {
  dev.cleanup();
  prod.cleanup();
});

const idOf = (template: Template, type: string, prefix: string) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};
const resource = (template: Template, id: string) => template.toJSON().Resources[id] as { Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('the wake schedule group', () => {
  it('is named after the stage, and kept outside dev with the schedules still to fire', () => {
    expect(resource(dev.template, idOf(dev.template, 'AWS::Scheduler::ScheduleGroup', 'WakeSchedulesGroup'))).toMatchObject({
      Properties: { Name: 'switchboard-dev-wakes' },
      DeletionPolicy: 'Delete',
    });
    expect(resource(prod.template, idOf(prod.template, 'AWS::Scheduler::ScheduleGroup', 'WakeSchedulesGroup'))).toMatchObject({
      Properties: { Name: 'switchboard-prod-wakes' },
      DeletionPolicy: 'Retain',
    });
  });

  it('has an encrypted dead-letter queue for wakes that could not be delivered', () => {
    expect(resource(dev.template, idOf(dev.template, 'AWS::SQS::Queue', 'WakeSchedulesDeadLetters')).Properties).toEqual({
      MessageRetentionPeriod: requestsQueue.deadLetterRetentionDays * 86_400,
      SqsManagedSseEnabled: true,
    });
  });
});

describe('the role wake schedules run as', () => {
  it('is assumable by EventBridge Scheduler only, for schedules of the wake group in this account', () => {
    const role = resource(dev.template, idOf(dev.template, 'AWS::IAM::Role', 'WakeSchedulesRole'));
    expect((role.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': { 'Fn::GetAtt': [idOf(dev.template, 'AWS::Scheduler::ScheduleGroup', 'WakeSchedulesGroup'), 'Arn'] },
          },
        },
      },
    ]);
  });

  it('may only send to the requests queue and to the wake dead-letter queue', () => {
    expect(grantsOf(dev.template, 'WakeSchedulesRole')).toEqual({
      [idOf(dev.template, 'AWS::SQS::Queue', 'RequestsQueue')]: ['sqs:SendMessage'],
      [idOf(dev.template, 'AWS::SQS::Queue', 'WakeSchedulesDeadLetters')]: ['sqs:SendMessage'],
    });
  });

  it('is passed by the orchestrator to Scheduler and to no other service', () => {
    dev.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: Match.stringLikeRegexp('^OrchestratorHandlerFunctionServiceRole'),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: { 'Fn::GetAtt': [idOf(dev.template, 'AWS::IAM::Role', 'WakeSchedulesRole'), 'Arn'] },
            Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          },
        ]),
      },
    });
  });
});

describe('the wake schedules, by who may touch them', () => {
  /** Every role's scheduler actions, by the logical id of its policy without the hash. */
  const schedulerGrants = (template: Template) => {
    const grants: Record<string, string[]> = {};
    for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement;
      const actions = statements.flatMap((statement) => ([] as string[]).concat(statement.Action)).filter((action) => action.startsWith('scheduler:'));
      if (actions.length > 0) grants[id.replace(/[0-9A-F]{8}$/, '')] = actions.sort();
    }
    return grants;
  };

  it('are created by the orchestrator, deleted by the handlers that conclude escalations, and moved by no one', () => {
    expect(schedulerGrants(dev.template)).toEqual({
      OrchestratorHandlerFunctionServiceRoleDefaultPolicy: ['scheduler:CreateSchedule'],
      FeedbackFunctionServiceRoleDefaultPolicy: ['scheduler:DeleteSchedule'],
      InboxApiFunctionServiceRoleDefaultPolicy: ['scheduler:DeleteSchedule'],
    });
  });
});
