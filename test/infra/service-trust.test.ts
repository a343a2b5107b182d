import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ACCOUNT, TEST_REGION } from '../support/iam-simulation.js';
import { synthesize, type Synthesized } from './synth.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});
afterAll(() => synthesized.cleanup());

interface Statement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const THIS_ACCOUNT = { Ref: 'AWS::AccountId' };
/** Both stacks' resources: their logical ids do not overlap. */
const resources = () => ({ ...synthesized.accountTemplate.toJSON().Resources, ...synthesized.template.toJSON().Resources }) as Resources;
const servicesOf = (statement: Statement) => ([] as string[]).concat(statement.Principal?.Service ?? []);

/** Every statement that lets an AWS service principal in, by the id of the role or key it belongs to. */
function serviceStatements(type: 'AWS::IAM::Role' | 'AWS::KMS::Key', document: 'AssumeRolePolicyDocument' | 'KeyPolicy'): [string, Statement][] {
  return Object.entries(resources())
    .filter(([, resource]) => resource.Type === type)
    .flatMap(([id, resource]) => (resource.Properties[document] as { Statement: Statement[] }).Statement.map((statement): [string, Statement] => [id, statement]))
    .filter(([, statement]) => statement.Effect === 'Allow' && servicesOf(statement).length > 0);
}

/**
 * Roles a service assumes whose trust the stacks do not write: API Gateway's account-wide logging
 * role, used for every API of the account, and the CDK's own SDK-call provider function; both are
 * the account stack's.
 */
const NOT_OURS = [/^ApiGatewayLoggingRole/, /^AWS679f53fac002430cb0da5b7982bd2287ServiceRole/];

describe('service principals acting for the stack', () => {
  it('may assume a role of the stack only for this account', () => {
    const roles = serviceStatements('AWS::IAM::Role', 'AssumeRolePolicyDocument');
    const ours = roles.filter(([id]) => !NOT_OURS.some((pattern) => pattern.test(id)));
    expect(roles.length - ours.length).toBe(NOT_OURS.length);
    expect(ours.length).toBeGreaterThan(10);
    for (const [id, statement] of ours) {
      expect({ id, account: statement.Condition?.StringEquals?.['aws:SourceAccount'] }).toEqual({ id, account: THIS_ACCOUNT });
    }
  });

  it('let Lambda assume the ingest function role only for this account', () => {
    const ingest = serviceStatements('AWS::IAM::Role', 'AssumeRolePolicyDocument').filter(([id]) => id.startsWith('IngestHandlerFunctionServiceRole'));
    expect(ingest.map(([, statement]) => statement)).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': THIS_ACCOUNT } } },
    ]);
  });

  it('let only the wake schedule group use the wake role', () => {
    const wake = serviceStatements('AWS::IAM::Role', 'AssumeRolePolicyDocument').filter(([id]) => id.startsWith('WakeSchedulesRole'));
    expect(wake.map(([, statement]) => statement.Condition)).toEqual([
      { StringEquals: { 'aws:SourceAccount': THIS_ACCOUNT, 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(/^WakeSchedulesGroup/), 'Arn'] } } },
    ]);
  });

  it('let CloudWatch use the alarm topic keys only for alarms of this account', () => {
    const keys = serviceStatements('AWS::KMS::Key', 'KeyPolicy');
    expect(keys.map(([id, statement]) => [id.replace(/[0-9A-F]{8}$/, ''), servicesOf(statement)]).sort()).toEqual([
      ['AlarmTopicKey', ['cloudwatch.amazonaws.com']],
      ['MonitoringAlarmTopicKey', ['cloudwatch.amazonaws.com']],
    ]);
    const alarms = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', THIS_ACCOUNT, ':alarm:*']] };
    for (const [, statement] of keys) expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': THIS_ACCOUNT }, ArnLike: { 'aws:SourceArn': alarms } });
  });

  it('may invoke a function of the stack only from a named source', () => {
    const permissions = Object.values(resources()).filter((resource) => resource.Type === 'AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) expect(permission.Properties.SourceArn).toBeDefined();
  });
});

/** The stack's pseudo parameters in the test account; a trust or key policy names nothing else. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const pseudo: Record<string, string> = { 'AWS::AccountId': TEST_ACCOUNT, 'AWS::Partition': 'aws', 'AWS::Region': TEST_REGION };
  if (typeof node.Ref === 'string' && pseudo[node.Ref]) return pseudo[node.Ref];
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolve(part))).join(separator);
  }
  return Object.fromEntries(Object.entries(node).map(([key, v]) => [key, resolve(v)]));
}

/** What IAM decides when `service` calls `action` on a resource guarded by `policy`, the call carrying `context`. */
async function decide(service: string, action: string, resource: string, policy: unknown, context: Record<string, string>): Promise<string> {
  const outcome = await runSimulation(
    {
      request: { principal: service, action, resource: { resource, accountId: TEST_ACCOUNT }, contextVariables: context },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resolve(policy),
    },
    {},
  );
  return outcome.resultType === 'error' ? `invalid: ${outcome.errors.message}` : outcome.overallResult;
}

describe('the trust and key policies, simulated', () => {
  const policyOf = (prefix: string, document: string) => Object.entries(resources()).find(([id]) => id.startsWith(prefix))?.[1].Properties[document];
  const OTHER_ACCOUNT = '210987654321';

  it('let Lambda assume the ingest function role for this account and for no other', async () => {
    const trust = policyOf('IngestHandlerFunctionServiceRole', 'AssumeRolePolicyDocument');
    const role = `arn:aws:iam::${TEST_ACCOUNT}:role/ingest`;
    const assume = (context: Record<string, string>) => decide('lambda.amazonaws.com', 'sts:AssumeRole', role, trust, context);
    expect([await assume({ 'aws:SourceAccount': TEST_ACCOUNT }), await assume({ 'aws:SourceAccount': OTHER_ACCOUNT }), await assume({})]).toEqual([
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
  });

  it('let CloudWatch use the alarm topic key for an alarm of this account and for no other', async () => {
    const keyPolicy = policyOf('MonitoringAlarmTopicKey', 'KeyPolicy');
    const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/0123abcd-0000-0000-0000-000000000000`;
    const alarm = (account: string) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:cloudwatch:${TEST_REGION}:${account}:alarm:switchboard-dlq` });
    const use = (context: Record<string, string>) => decide('cloudwatch.amazonaws.com', 'kms:GenerateDataKey', key, keyPolicy, context);
    expect([await use(alarm(TEST_ACCOUNT)), await use(alarm(OTHER_ACCOUNT)), await use({})]).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });
});
