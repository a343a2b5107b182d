import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployedStack, type FunctionPolicies, simulate, TEST_ACCOUNT, TEST_REGION, unexercisedGrants } from '../support/iam-simulation.js';
import { type IamRequest, iamRequestsOf, type LocalNames } from '../support/sdk-calls.js';
import { synthesize, type Synthesized } from './synth.js';

const PINPOINT_APP = '0123456789abcdef0123456789abcdef';
const NAMES: LocalNames = {
  tables: { customers: 'x-customers', deliveries: 'x-deliveries', inbox: 'x-inbox', counters: 'x-counters' },
  queues: { requests: 'http://127.0.0.1:1/000000000000/x-requests' },
  sesConfigurationSet: 'local-events',
  pinpointApplicationId: 'local-app',
  wakeScheduleGroup: 'local-wakes',
  roles: { wakeScheduler: 'arn:aws:iam::000000000000:role/local-wakes' },
};
const SCHEDULER = { 'iam:PassedToService': 'scheduler.amazonaws.com' };

/**
 * Synthesizes the stack once for the enclosing describe block and hands over its deployed view;
 * `settings` go both to the synthesis and to the deployed view.
 */
function withSimulatedRole(use: (deployed: DeployedStack) => void, settings: { pinpointApplicationId?: string } = {}): void {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(settings);
    use(new DeployedStack(synthesized.template.toJSON(), { stackName: synthesized.stack.stackName, ...settings }));
  });
  afterAll(() => synthesized.cleanup());
}

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
      { action: 'ses:SendEmail', resource: 'ses-identity/shop@example.com' },
      { action: 'ses:SendEmail', resource: 'ses-identity/example.com' },
      { action: 'ses:SendEmail', resource: 'ses-configuration-set' },
    ]);
    expect(iamRequestsOf('Pinpoint', 'SendMessages', { ApplicationId: 'local-app' }, NAMES)).toEqual([{ action: 'mobiletargeting:SendMessages', resource: 'pinpoint-app' }]);
    expect(iamRequestsOf('SNS', 'Publish', { PhoneNumber: '+4915112345678' }, NAMES)).toEqual([{ action: 'sns:Publish', resource: '*' }]);
    expect(iamRequestsOf('SQS', 'DeleteMessageBatch', { QueueUrl: NAMES.queues?.requests }, NAMES)).toEqual([{ action: 'sqs:DeleteMessage', resource: 'queue/requests' }]);
  });

  it('name the schedule, and the role a new or replaced schedule passes to Scheduler', () => {
    const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:x-requests', RoleArn: NAMES.roles?.wakeScheduler };
    expect(iamRequestsOf('Scheduler', 'CreateSchedule', { Name: 'wake-1', GroupName: 'local-wakes', Target: target }, NAMES)).toEqual([
      { action: 'scheduler:CreateSchedule', resource: 'schedule/wake-1' },
      { action: 'iam:PassRole', resource: 'role/wakeScheduler', context: SCHEDULER },
    ]);
    expect(iamRequestsOf('Scheduler', 'UpdateSchedule', { Name: 'wake-1', GroupName: 'local-wakes', Target: target }, NAMES)).toEqual([
      { action: 'scheduler:UpdateSchedule', resource: 'schedule/wake-1' },
      { action: 'iam:PassRole', resource: 'role/wakeScheduler', context: SCHEDULER },
    ]);
    expect(iamRequestsOf('Scheduler', 'DeleteSchedule', { Name: 'wake-1', GroupName: 'local-wakes' }, NAMES)).toEqual([
      { action: 'scheduler:DeleteSchedule', resource: 'schedule/wake-1' },
    ]);
    // Without a group the call goes to the account's default group, which the stack does not own.
    expect(iamRequestsOf('Scheduler', 'DeleteSchedule', { Name: 'wake-1' }, NAMES)).toEqual([{ action: 'scheduler:DeleteSchedule', resource: 'unknown/schedule/default/wake-1' }]);
  });

  it('mark a name the test did not declare as unknown, and refuse a call with no mapping', () => {
    expect(iamRequestsOf('DynamoDB', 'GetItem', { TableName: 'someone-elses' }, NAMES)).toEqual([{ action: 'dynamodb:GetItem', resource: 'unknown/someone-elses' }]);
    expect(() => iamRequestsOf('DynamoDB', 'DescribeTable', { TableName: 'x-inbox' }, NAMES)).toThrow(/no IAM mapping/);
    expect(() => iamRequestsOf('S3', 'GetObject', {}, NAMES)).toThrow(/no IAM mapping/);
  });
});

describe('the synthesized orchestrator role, simulated', () => {
  let stack: DeployedStack;
  let policies: FunctionPolicies;
  withSimulatedRole(
    (deployed) => {
      stack = deployed;
      policies = deployed.policiesOf('switchboard-orchestrator');
    },
    { pinpointApplicationId: PINPOINT_APP },
  );

  const results = async (requests: IamRequest[]) => (await simulate(stack, policies, requests)).map((v) => v.result);

  it('has every token resolved to ARNs of the test account', () => {
    const text = JSON.stringify(policies.documents);
    expect(text).not.toMatch(/"(Ref|Fn::\w+)"/);
    expect(stack.arnOf('table/deliveries')).toBe(`arn:aws:dynamodb:${TEST_REGION}:${TEST_ACCOUNT}:table/switchboard-dev-deliveries`);
    expect(text).toContain(`arn:aws:mobiletargeting:${TEST_REGION}:${TEST_ACCOUNT}:apps/${PINPOINT_APP}/messages`);
  });

  it('allows the SNS opt-out check the SMS sender makes before a marketing message', async () => {
    expect(await results([{ action: 'sns:CheckIfPhoneNumberIsOptedOut', resource: '*' }])).toEqual(['Allowed']);
  });

  it('may publish an SMS to a phone number and to no SNS topic, in this account or another', async () => {
    const sns = (resource: string) => `arn:aws:sns:${TEST_REGION}:${resource}`;
    expect(
      await results([
        ...iamRequestsOf('SNS', 'Publish', { PhoneNumber: '+4915112345678', Message: 'hi' }, NAMES),
        { action: 'sns:Publish', resource: sns(`${TEST_ACCOUNT}:switchboard-alarms`) },
        { action: 'sns:Publish', resource: sns('210987654321:someone-elses-topic') },
      ]),
    ).toEqual(['Allowed', 'ExplicitlyDenied', 'ExplicitlyDenied']);
  });

  it('may send e-mail from the configured address whether SES authorizes it against the domain or the address identity', async () => {
    const sent = iamRequestsOf('SESv2', 'SendEmail', { FromEmailAddress: 'notifications@example.com', ConfigurationSetName: 'local-events' }, NAMES);
    expect(sent.map((request) => request.resource)).toEqual(['ses-identity/notifications@example.com', 'ses-identity/example.com', 'ses-configuration-set']);
    expect(
      await results([...sent, { action: 'ses:SendEmail', resource: 'ses-identity/other@example.com' }, { action: 'ses:SendEmail', resource: 'ses-identity/example.org' }]),
    ).toEqual(['Allowed', 'Allowed', 'Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    expect(unexercisedGrants(stack, policies, sent).filter((grant) => grant.startsWith('ses:'))).toEqual([]);
  });

  it('may read the learned priors the refresher keeps in the counters table, and not write them', async () => {
    expect(
      await results([
        { action: 'dynamodb:GetItem', resource: 'table/counters' },
        { action: 'dynamodb:PutItem', resource: 'table/counters' },
        { action: 'dynamodb:Scan', resource: 'table/deliveries' },
      ]),
    ).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
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

  it('may create wake schedules, pass the wake role to Scheduler, and send wakes to the requests queue', async () => {
    expect(
      await results([
        { action: 'scheduler:CreateSchedule', resource: 'schedule/wake-0123abcd-d1' },
        { action: 'iam:PassRole', resource: 'role/wakeScheduler', context: SCHEDULER },
        { action: 'sqs:SendMessage', resource: 'queue/requests' },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  it('may not move or delete a schedule, touch one outside the wake group, pass the role to another service, or send to a dead-letter queue', async () => {
    const inDefaultGroup = `arn:aws:scheduler:${TEST_REGION}:${TEST_ACCOUNT}:schedule/default/wake-0123abcd-d1`;
    expect(
      await results([
        { action: 'scheduler:UpdateSchedule', resource: 'schedule/wake-0123abcd-d1' },
        { action: 'scheduler:DeleteSchedule', resource: 'schedule/wake-0123abcd-d1' },
        { action: 'scheduler:CreateSchedule', resource: inDefaultGroup },
        { action: 'scheduler:GetSchedule', resource: 'schedule/wake-0123abcd-d1' },
        { action: 'iam:PassRole', resource: 'role/wakeScheduler', context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
        { action: 'iam:PassRole', resource: 'role/wakeScheduler' },
        { action: 'iam:PassRole', resource: policies.roleArn, context: SCHEDULER },
        { action: 'sqs:SendMessage', resource: 'queue/wakeDeadLetters' },
        { action: 'sqs:SendMessage', resource: 'queue/requestsDeadLetters' },
      ]),
    ).toEqual(Array.from({ length: 9 }, () => 'ImplicitlyDenied'));
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

describe.each(['switchboard-feedback', 'switchboard-inbox-api'])('the synthesized role of %s, which concludes escalations, simulated', (service) => {
  let stack: DeployedStack;
  let policies: FunctionPolicies;
  withSimulatedRole((deployed) => {
    stack = deployed;
    policies = deployed.policiesOf(service);
  });

  const results = async (requests: IamRequest[]) => (await simulate(stack, policies, requests)).map((v) => v.result);
  /** What bringing a wake forward to now does: the wake on the queue, then its schedule deleted. */
  const ADVANCE = [
    { action: 'sqs:SendMessage', resource: 'queue/requests' },
    { action: 'scheduler:DeleteSchedule', resource: 'schedule/wake-0123abcd-e1' },
  ];

  it('may send a wake to the requests queue and delete a wake schedule', async () => {
    expect(await results(ADVANCE)).toEqual(['Allowed', 'Allowed']);
  });

  it('may not create, move or read a schedule, pass the wake role, or delete a schedule of another group', async () => {
    const target = { Arn: 'arn:aws:sqs:us-east-1:000000000000:x-requests', RoleArn: NAMES.roles?.wakeScheduler };
    const created = iamRequestsOf('Scheduler', 'CreateSchedule', { Name: 'wake-0123abcd-e1', GroupName: 'local-wakes', Target: target }, NAMES);
    const moved = iamRequestsOf('Scheduler', 'UpdateSchedule', { Name: 'wake-0123abcd-e1', GroupName: 'local-wakes', Target: target }, NAMES);
    const inGroup = (group: string) => `arn:aws:scheduler:${TEST_REGION}:${TEST_ACCOUNT}:schedule/${group}/wake-0123abcd-e1`;
    const denied = [
      ...created,
      ...moved,
      { action: 'scheduler:DeleteSchedule', resource: inGroup('default') },
      // Another stage's wakes, in the same account.
      { action: 'scheduler:DeleteSchedule', resource: inGroup('switchboard-prod-wakes') },
      { action: 'scheduler:GetSchedule', resource: 'schedule/wake-0123abcd-e1' },
      { action: 'iam:PassRole', resource: 'role/wakeScheduler' },
      { action: 'sqs:SendMessage', resource: 'queue/requestsDeadLetters' },
      { action: 'sqs:SendMessage', resource: 'queue/wakeDeadLetters' },
      { action: 'sqs:ReceiveMessage', resource: 'queue/requests' },
    ];
    expect(denied.map((r) => r.action)).toEqual(expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'iam:PassRole']));
    expect(await results(denied)).toEqual(denied.map(() => 'ImplicitlyDenied'));
  });

  it('holds no wake grant that bringing a wake forward does not use', () => {
    expect(unexercisedGrants(stack, policies, ADVANCE).filter((grant) => /^(sqs|scheduler|iam):/.test(grant))).toEqual([]);
  });
});

describe('the synthesized role of the priors refresher, simulated', () => {
  let stack: DeployedStack;
  let policies: FunctionPolicies;
  withSimulatedRole((deployed) => {
    stack = deployed;
    policies = deployed.policiesOf('switchboard-priors-refresh');
  });

  /** What a refresh does: a Scan of the delivery records, then one item put beside the counters. */
  const REFRESH = [
    { action: 'dynamodb:Scan', resource: 'table/deliveries' },
    { action: 'dynamodb:PutItem', resource: 'table/counters' },
  ];

  it('may scan the deliveries and put the priors in the counters table', async () => {
    expect((await simulate(stack, policies, REFRESH)).map((v) => v.result)).toEqual(['Allowed', 'Allowed']);
  });

  it('may not write a delivery, change or remove a counter, read the customers or query an index', async () => {
    const denied = await simulate(stack, policies, [
      { action: 'dynamodb:PutItem', resource: 'table/deliveries' },
      { action: 'dynamodb:UpdateItem', resource: 'table/deliveries' },
      { action: 'dynamodb:UpdateItem', resource: 'table/counters' },
      { action: 'dynamodb:DeleteItem', resource: 'table/counters' },
      { action: 'dynamodb:Scan', resource: 'table/counters' },
      { action: 'dynamodb:Scan', resource: 'table/customers' },
      { action: 'dynamodb:GetItem', resource: 'table/customers' },
      { action: 'dynamodb:Query', resource: 'table/deliveries/index/byCustomer' },
      { action: 'dynamodb:Scan', resource: 'table/deliveries/index/byCustomer' },
    ]);
    expect(denied.map((v) => v.result)).toEqual(Array.from({ length: 9 }, () => 'ImplicitlyDenied'));
    expect(unexercisedGrants(stack, policies, REFRESH)).toEqual([]);
  });
});

describe('the synthesized wake schedule role, simulated', () => {
  let stack: DeployedStack;
  let policies: FunctionPolicies;
  withSimulatedRole((deployed) => {
    stack = deployed;
    policies = deployed.policiesOfRole('wakeScheduler');
  });

  /** What a schedule does with the role: deliver its wake, or park it in the dead-letter queue. */
  const DELIVERIES = [
    { action: 'sqs:SendMessage', resource: 'queue/requests' },
    { action: 'sqs:SendMessage', resource: 'queue/wakeDeadLetters' },
  ];

  it('may send to the requests queue and to the wake dead-letter queue', async () => {
    expect((await simulate(stack, policies, DELIVERIES)).map((v) => v.result)).toEqual(['Allowed', 'Allowed']);
  });

  it('may do nothing else: no other queue, no reading or purging, no other service', async () => {
    const denied = await simulate(stack, policies, [
      { action: 'sqs:SendMessage', resource: 'queue/requestsDeadLetters' },
      { action: 'sqs:SendMessage', resource: 'queue/feedbackDeadLetters' },
      { action: 'sqs:ReceiveMessage', resource: 'queue/requests' },
      { action: 'sqs:DeleteMessage', resource: 'queue/wakeDeadLetters' },
      { action: 'sqs:PurgeQueue', resource: 'queue/requests' },
      { action: 'dynamodb:UpdateItem', resource: 'table/deliveries' },
      { action: 'lambda:InvokeFunction', resource: '*' },
    ]);
    expect(denied.map((v) => v.result)).toEqual(Array.from({ length: 7 }, () => 'ImplicitlyDenied'));
    expect(unexercisedGrants(stack, policies, DELIVERIES)).toEqual([]);
  });
});
