import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployedStack, type FunctionPolicies, simulate, TEST_ACCOUNT, TEST_REGION, unexercisedGrants } from '../support/iam-simulation.js';
import { iamRequestsOf, type LocalNames } from '../support/sdk-calls.js';
import { synthesize, type Synthesized } from './synth.js';

const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
const NAMES: LocalNames = {
  tables: { customers: 'x-customers', deliveries: 'x-deliveries', inbox: 'x-inbox', counters: 'x-counters' },
  queues: { requests: 'http://127.0.0.1:1/000000000000/x-requests' },
  sesConfigurationSet: 'local-events',
  pinpointApplicationId: 'local-app',
};

describe('the IAM requests of an SDK call', () => {
  it('are per table for batches, per item for transactions and per statement for PartiQL', () => {
    expect(iamRequestsOf('DynamoDB', 'BatchGetItem', { RequestItems: { 'x-customers': {}, 'x-deliveries': {} } }, NAMES)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: 'table/customers' },
      { action: 'dynamodb:BatchGetItem', resource: 'table/deliveries' },
    ]);
    expect(
      iamRequestsOf('DynamoDB', 'TransactWriteItems', { TransactItems: [{ Update: { TableName: 'x-deliveries' } }, { ConditionCheck: { TableName: 'x-customers' } }] }, NAMES),
    ).toEqual([
      { action: 'dynamodb:UpdateItem', resource: 'table/deliveries' },
      { action: 'dynamodb:ConditionCheckItem', resource: 'table/customers' },
    ]);
    expect(iamRequestsOf('DynamoDB', 'BatchExecuteStatement', { Statements: [{ Statement: 'UPDATE "x-customers" SET a = ? WHERE customerId = ?' }] }, NAMES)).toEqual([
      { action: 'dynamodb:PartiQLUpdate', resource: 'table/customers' },
    ]);
    expect(iamRequestsOf('DynamoDB', 'Query', { TableName: 'x-deliveries', IndexName: 'byCustomer' }, NAMES)).toEqual([
      { action: 'dynamodb:Query', resource: 'table/deliveries/index/byCustomer' },
    ]);
  });

  it('name the provider resources SES, Pinpoint, SNS and SQS authorize against', () => {
    expect(iamRequestsOf('SESv2', 'SendEmail', { FromEmailAddress: 'shop@example.com', ConfigurationSetName: 'local-events' }, NAMES)).toEqual([
      { action: 'ses:SendEmail', resource: 'ses-identity/example.com' },
      { action: 'ses:SendEmail', resource: 'ses-configuration-set' },
    ]);
    expect(iamRequestsOf('Pinpoint', 'SendMessages', { ApplicationId: 'local-app' }, NAMES)).toEqual([{ action: 'mobiletargeting:SendMessages', resource: 'pinpoint-app' }]);
    expect(iamRequestsOf('SNS', 'Publish', { PhoneNumber: '+4915112345678' }, NAMES)).toEqual([{ action: 'sns:Publish', resource: '*' }]);
    expect(iamRequestsOf('SQS', 'DeleteMessageBatch', { QueueUrl: NAMES.queues?.requests }, NAMES)).toEqual([{ action: 'sqs:DeleteMessage', resource: 'queue/requests' }]);
  });

  it('mark a name the test did not declare as unknown, and refuse a call with no mapping', () => {
    expect(iamRequestsOf('DynamoDB', 'GetItem', { TableName: 'someone-elses' }, NAMES)).toEqual([{ action: 'dynamodb:GetItem', resource: 'unknown/someone-elses' }]);
    expect(() => iamRequestsOf('DynamoDB', 'DescribeTable', { TableName: 'x-inbox' }, NAMES)).toThrow(/no IAM mapping/);
    expect(() => iamRequestsOf('S3', 'GetObject', {}, NAMES)).toThrow(/no IAM mapping/);
  });
});

describe('the synthesized orchestrator role, simulated', () => {
  let synthesized: Synthesized;
  let stack: DeployedStack;
  let policies: FunctionPolicies;
  beforeAll(() => {
    synthesized = synthesize({ pinpointApplicationId: PINPOINT_APP });
    stack = new DeployedStack(synthesized.template.toJSON(), { stackName: synthesized.stack.stackName, pinpointApplicationId: PINPOINT_APP });
    policies = stack.policiesOf('switchboard-orchestrator');
  });
  afterAll(() => synthesized.cleanup());

  const results = async (requests: { action: string; resource: string }[]) => (await simulate(stack, policies, requests)).map((v) => v.result);

  it('has every token resolved to ARNs of the test account', () => {
    const text = JSON.stringify(policies.documents);
    expect(text).not.toMatch(/"(Ref|Fn::\w+)"/);
    expect(stack.arnOf('table/deliveries')).toBe(`arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT}:table/switchboard-dev-deliveries`);
    expect(text).toContain(`arn:aws:mobiletargeting:${TEST_REGION}:${TEST_ACCOUNT}:apps/${PINPOINT_APP}/messages`);
  });

  it('allows the SNS opt-out check the SMS sender makes before a marketing message', async () => {
    expect(await results([{ action: 'sns:CheckIfPhoneNumberIsOptedOut', resource: '*' }])).toEqual(['Allowed']);
  });

  it('denies what the orchestrator never does: reading or deleting deliveries, querying their index', async () => {
    expect(
      await results([
        { action: 'dynamodb:GetItem', resource: 'table/deliveries' },
        { action: 'dynamodb:DeleteItem', resource: 'table/deliveries' },
        { action: 'dynamodb:Query', resource: 'table/deliveries/index/byCustomer' },
        { action: 'dynamodb:PutItem', resource: 'table/counters' },
      ]),
    ).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it('never allows a call on a resource the test did not declare', async () => {
    expect(await results([{ action: 'dynamodb:UpdateItem', resource: 'unknown/another-table' }])).not.toContain('Allowed');
  });

  it('reports each grant no request uses, and leaves out the grants with a written reason', () => {
    const surplus = unexercisedGrants(stack, policies, [{ action: 'dynamodb:UpdateItem', resource: 'table/counters' }]);
    expect(surplus).toContain(`dynamodb:PutItem on arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT}:table/switchboard-dev-inbox`);
    expect(surplus).toContain('sns:CheckIfPhoneNumberIsOptedOut on *');
    expect(surplus.join('\n')).not.toMatch(/dynamodb:UpdateItem on .*switchboard-dev-counters|xray:|sqs:GetQueueAttributes/);
  });
});
