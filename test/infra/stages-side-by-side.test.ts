import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { ACCOUNT_STACK_NAME } from '../../lib/account-stack.js';
import { addSwitchboard, type SwitchboardApp } from '../../lib/app.js';
import { parseAccountSettings } from '../../lib/settings.js';
import { render } from './iam.js';
import { BASE_CONTEXT, FIXTURE_ENTRIES, stageSettings, TEMPLATE_BUNDLE, testApp } from './synth.js';

/** A real stage refuses cdk.json's example values. */
const STAGING = {
  stage: 'staging',
  senderIdentity: 'shop.test',
  fromAddress: 'news@shop.test',
  alarmEmail: 'oncall@shop.test',
  jwtIssuer: 'https://id.shop.test/',
  brandName: 'Shop',
};
const PROD = { ...STAGING, stage: 'prod' };

/** The property that gives a resource of each type its name in the account and region, where the stacks set one. */
const ACCOUNT_WIDE_NAMES: Record<string, string> = {
  'AWS::ApiGateway::RestApi': 'Name',
  'AWS::ApiGatewayV2::Api': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SES::ConfigurationSet': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
};
/** Types with no name of their own, or one that only has to be unique within the resource they belong to. */
const UNNAMED_OR_SCOPED = new Set([
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::IAM::Policy',
  'AWS::KMS::Key',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission',
  'AWS::SES::ConfigurationSetEventDestination',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
]);
/** What exists once per account and region, so only the account stack may hold it. */
const ACCOUNT_SINGLETONS = new Set(['AWS::ApiGateway::Account', 'AWS::Logs::SubscriptionFilter', 'Custom::AWS']);

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

let built: SwitchboardApp;
let templates: Record<string, Template>;
let outdir: string;
let cleanup: () => void;
let validation: unknown;
beforeAll(() => {
  const test = testApp();
  ({ outdir, cleanup } = test);
  built = addSwitchboard(test.app, {
    account: parseAccountSettings((key) => BASE_CONTEXT[key]),
    stages: [stageSettings(), stageSettings(STAGING), stageSettings(PROD)],
    entries: FIXTURE_ENTRIES,
    templateBundle: TEMPLATE_BUNDLE,
  });
  Validations.of(test.app).addPlugins(new AwsSolutionsChecks(test.app, { verbose: true }));
  try {
    test.app.synth();
  } catch (error) {
    validation = error;
  }
  templates = Object.fromEntries([built.account, ...built.stages].map((stack) => [stack.stackName, Template.fromStack(stack)]));
}, 240_000);
afterAll(() => cleanup());

const resourcesOf = (stackName: string) => (templates[stackName]?.toJSON().Resources ?? {}) as Resources;

describe('dev, staging and prod in one account and region, beside the account stack', () => {
  it('pass every cdk-nag AwsSolutions check together', () => {
    expect(validation).toBeUndefined();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { conclusion: string }[] };
    expect(report.pluginReports.filter((plugin) => plugin.conclusion !== 'success')).toEqual([]);
  });

  it('give every resource they name a name no other stack uses', () => {
    const owners = new Map<string, string[]>();
    let named = 0;
    for (const stackName of Object.keys(templates)) {
      for (const [id, resource] of Object.entries(resourcesOf(stackName))) {
        const property = ACCOUNT_WIDE_NAMES[resource.Type];
        const name = property ? resource.Properties?.[property] : undefined;
        if (name === undefined) continue;
        named++;
        const key = `${resource.Type} ${render(name)}`;
        owners.set(key, [...(owners.get(key) ?? []), `${stackName}/${id}`]);
      }
    }
    expect([...owners].filter(([, holders]) => holders.length > 1)).toEqual([]);
    // Three stages of tables, APIs, buses, dashboards, configuration sets and schedule groups.
    expect(named).toBeGreaterThanOrEqual(3 * 9);
  });

  it('hold only resource types whose naming this test knows', () => {
    const types = new Set(Object.keys(templates).flatMap((stackName) => Object.values(resourcesOf(stackName)).map((resource) => resource.Type)));
    const known = (type: string) => type in ACCOUNT_WIDE_NAMES || UNNAMED_OR_SCOPED.has(type) || ACCOUNT_SINGLETONS.has(type) || type === 'AWS::CDK::Metadata';
    expect([...types].filter((type) => !known(type))).toEqual([]);
  });

  it('keep what is account-wide in the account stack alone', () => {
    for (const stack of built.stages) {
      const singletons = Object.values(resourcesOf(stack.stackName)).filter((resource) => ACCOUNT_SINGLETONS.has(resource.Type));
      expect({ stack: stack.stackName, singletons }).toEqual({ stack: stack.stackName, singletons: [] });
    }
    expect(Object.values(resourcesOf(ACCOUNT_STACK_NAME)).filter((resource) => resource.Type === 'AWS::ApiGateway::Account')).toHaveLength(1);
  });

  it('depend on the account stack and on no other stage, by no export, so deleting one stage leaves the others whole', () => {
    for (const stack of built.stages) {
      expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual([ACCOUNT_STACK_NAME]);
      const text = JSON.stringify(templates[stack.stackName]?.toJSON());
      expect(text).not.toContain('Fn::ImportValue');
      for (const other of built.stages.filter((candidate) => candidate !== stack)) {
        expect(text).not.toContain(`switchboard-${other.node.id.replace(/^Switchboard-/, '')}`);
      }
    }
    expect(templates[ACCOUNT_STACK_NAME]?.toJSON().Outputs ?? {}).toEqual({});
  });

  it('each take every SMS status of the account with a rule of their own', () => {
    const rules = built.stages.map((stack) =>
      Object.values(resourcesOf(stack.stackName)).filter(
        (resource) => resource.Type === 'AWS::Events::Rule' && JSON.stringify(resource.Properties?.EventPattern ?? {}).includes(SMS_STATUS_EVENT_SOURCE),
      ),
    );
    expect(rules.map((found) => found.length)).toEqual([1, 1, 1]);
  });
});
