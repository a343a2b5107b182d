import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryStatusDetailSchema } from '../../functions/core/events/delivery-status-event.js';
import { statusEventOf } from '../../functions/core/events/status-change.js';
import { EVENT_SOURCE, statusStream } from '../../functions/definitions/events.js';
import { matchesPattern } from '../support/event-pattern.js';
import { DeployedStack, simulate, TEST_ACCOUNT, TEST_REGION, unexercisedGrants } from '../support/iam-simulation.js';
import type { IamRequest } from '../support/sdk-calls.js';
import { grantsOf } from './iam.js';
import { parseSettings, SettingsError } from '../../lib/settings.js';
import { BASE_CONTEXT, ROOT, synthesize, type Synthesized } from './synth.js';

const SERVICE = 'switchboard-event-publisher';
let dedicated: Synthesized;
let onDefault: Synthesized;
beforeAll(() => {
  dedicated = synthesize();
  onDefault = synthesize({ eventBus: 'default' });
});
afterAll(() => {
  dedicated.cleanup();
  onDefault.cleanup();
});

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown> & { Environment?: { Variables?: Record<string, unknown> } };
}
const resources = (synthesized: Synthesized) => synthesized.template.toJSON().Resources as Record<string, CfnResource>;
const idOf = (synthesized: Synthesized, type: string, prefix: string) => {
  const ids = Object.entries(resources(synthesized))
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};
const publisherEnv = (synthesized: Synthesized) => resources(synthesized)[idOf(synthesized, 'AWS::Lambda::Function', 'StatusEventsPublisher')]?.Properties.Environment?.Variables;

describe('the deliveries stream and the publisher', () => {
  it('streams the deliveries table with the item before and after every change, and no other table', () => {
    const streams = Object.entries(resources(dedicated))
      .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' && r.Properties.StreamSpecification)
      .map(([id, r]) => [id.replace(/Table[0-9A-F]{8}$/, ''), r.Properties.StreamSpecification]);
    expect(streams).toEqual([['TablesDeliveries', { StreamViewType: 'NEW_AND_OLD_IMAGES' }]]);
  });

  it('reads the stream in batches from the oldest record, reports partial failures, halves a failing batch and parks it after bounded retries', () => {
    const publisher = idOf(dedicated, 'AWS::Lambda::Function', 'StatusEventsPublisher');
    dedicated.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: publisher },
      EventSourceArn: { 'Fn::GetAtt': [idOf(dedicated, 'AWS::DynamoDB::Table', 'TablesDeliveries'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: statusStream.batchSize,
      MaximumBatchingWindowInSeconds: statusStream.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: statusStream.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(dedicated, 'AWS::SQS::Queue', 'StatusEventsDeadLetters'), 'Arn'] } } },
    });
    expect(statusStream.retryAttempts).toBeGreaterThan(0);
    expect(statusStream.retryAttempts).toBeLessThanOrEqual(10);
    expect(resources(dedicated)[publisher]?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
  });

  it('alarms on the first batch parked in the dead-letter queue', () => {
    dedicated.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(dedicated, 'AWS::SQS::Queue', 'StatusEventsDeadLetters'), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('puts events on a bus of its own, switchboard-<stage>, by default', () => {
    const bus = idOf(dedicated, 'AWS::Events::EventBus', 'StatusEventsBus');
    expect(resources(dedicated)[bus]?.Properties).toEqual({ Name: 'switchboard-dev' });
    expect(publisherEnv(dedicated)).toMatchObject({ EVENT_BUS_NAME: { Ref: bus } });
    dedicated.template.hasOutput('EventBusName', { Value: { Ref: bus } });
    dedicated.template.hasOutput('EventBusArn', { Value: { 'Fn::GetAtt': [bus, 'Arn'] } });
  });

  it('puts them on the account’s default bus with eventBus=default, creating none', () => {
    expect(onDefault.template.findResources('AWS::Events::EventBus')).toEqual({});
    expect(publisherEnv(onDefault)).toMatchObject({ EVENT_BUS_NAME: 'default' });
    onDefault.template.hasOutput('EventBusName', { Value: 'default' });
  });

  it('may put events from its source on that bus, read the stream and park a batch, and nothing else', () => {
    const dlq = idOf(dedicated, 'AWS::SQS::Queue', 'StatusEventsDeadLetters');
    const grants = grantsOf(dedicated.template, 'StatusEventsPublisherFunctionServiceRole');
    expect(grants).toEqual({
      '*': ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      [idOf(dedicated, 'AWS::Events::EventBus', 'StatusEventsBus')]: ['events:PutEvents'],
      [dlq]: ['sqs:SendMessage'],
      deliveries: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    });
    const statements = Match.arrayWith([
      Match.objectLike({ Action: 'events:PutEvents', Condition: { 'ForAllValues:StringEquals': { 'events:source': [EVENT_SOURCE] }, Null: { 'events:source': 'false' } } }),
      // The stream, not the table: the publisher reads no item.
      Match.objectLike({
        Action: Match.arrayWith(['dynamodb:GetRecords']),
        Resource: { 'Fn::GetAtt': [idOf(dedicated, 'AWS::DynamoDB::Table', 'TablesDeliveries'), 'StreamArn'] },
      }),
    ]);
    dedicated.template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: statements } });
  });
});

describe('the eventBus setting', () => {
  const withBus = (eventBus: unknown) => parseSettings((key) => ({ ...BASE_CONTEXT, eventBus })[key]);

  it('is dedicated or default, dedicated when left blank or out', () => {
    expect(withBus('default').eventBus).toBe('default');
    expect(withBus('').eventBus).toBe('dedicated');
    expect(withBus(undefined).eventBus).toBe('dedicated');
  });

  it('names the choices when given anything else', () => {
    expect(() => withBus('orders-bus')).toThrow(SettingsError);
    expect(() => withBus('orders-bus')).toThrow(/eventBus: must be one of dedicated, default/);
  });
});

describe.each([
  ['its own bus', () => dedicated, 'switchboard-dev', 'default'],
  ['the default bus', () => onDefault, 'default', 'switchboard-dev'],
])('the publisher role on %s, simulated', (_label, synthesized, bus, otherBus) => {
  const stack = () => new DeployedStack(synthesized().template.toJSON(), { stackName: synthesized().stack.stackName });
  const results = async (requests: IamRequest[]) => (await simulate(stack(), stack().policiesOf(SERVICE), requests)).map((v) => v.result);
  const busArn = (name: string) => `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:event-bus/${name}`;
  const put = (resource: string, source: string = EVENT_SOURCE): IamRequest => ({ action: 'events:PutEvents', resource, context: { 'events:source': source } });
  const READS = ['DescribeStream', 'GetShardIterator', 'GetRecords'].map((action) => ({ action: `dynamodb:${action}`, resource: 'table/deliveries/stream' }));

  it('allows PutEvents of switchboard events on the chosen bus and reading the deliveries stream', async () => {
    expect(stack().arnOf('event-bus/switchboard')).toBe(busArn(bus));
    expect(await results([put('event-bus/switchboard'), ...READS])).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed']);
  });

  it('denies PutEvents on any other bus or under another source, other streams, and the tables themselves', async () => {
    const denied = [
      put(busArn(otherBus)),
      put(busArn('orders-prod')),
      put(`arn:aws:events:${TEST_REGION}:210987654321:event-bus/${bus}`),
      put('event-bus/switchboard', 'aws.ses'),
      // A call that names no source at all.
      { action: 'events:PutEvents', resource: 'event-bus/switchboard' },
      { action: 'dynamodb:GetRecords', resource: `${stack().arnOf('table/customers')}/stream/2026-01-01T00:00:00.000` },
      { action: 'dynamodb:GetItem', resource: 'table/deliveries' },
      { action: 'dynamodb:UpdateItem', resource: 'table/deliveries' },
      { action: 'sqs:SendMessage', resource: 'queue/requests' },
    ];
    expect(await results(denied)).toEqual(denied.map(() => 'ImplicitlyDenied'));
  });

  it('holds no grant beyond the calls above and what Lambda does with the role', () => {
    expect(unexercisedGrants(stack(), stack().policiesOf(SERVICE), [put('event-bus/switchboard'), ...READS])).toEqual([]);
  });
});

/** The README's example rule and sample event: the first and second JSON blocks of its Events section. */
function readmeExample(): { pattern: Record<string, unknown>; sample: { 'detail-type': string; source: string; detail: Record<string, unknown> } } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Events for upstream systems');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const [pattern, sample] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1] ?? ''));
  if (start < 0 || !pattern || !sample) throw new Error('the README has no events example where this test expects it');
  return { pattern, sample };
}

describe('an upstream rule as the README writes it', () => {
  const { pattern, sample } = readmeExample();
  /** The order update of the README's sample as the orchestrator stores it, with what the event must leave out. */
  const claimed = { requestId: 'order-FH-204931-shipped', customerId: 'c-1007', template: 'order-shipped', status: 'ACCEPTED', updatedAt: '2026-11-24T09:59:59.900Z' };
  const suppressed = {
    ...claimed,
    category: 'transactional',
    topic: 'order-updates',
    strategy: 'failover',
    status: 'SUPPRESSED',
    attempts: [],
    decision: {
      ranked: [],
      excluded: [
        { channel: 'push', reason: 'NO_ADDRESS', detail: 'no live push token' },
        { channel: 'sms', reason: 'NO_ADDRESS', detail: 'no phone number' },
        { channel: 'email', reason: 'ADDRESS_SUPPRESSED', detail: 'jonas@example.com bounced' },
        { channel: 'in_app', reason: 'NO_ADDRESS', detail: 'the app inbox is off' },
      ],
    },
    timeline: [{ status: 'SUPPRESSED', at: '2026-11-24T10:00:00.120Z', detail: 'no channel can carry the message' }],
    request: { data: { orderNumber: 'FH-204931' } },
    createdAt: '2026-11-24T09:59:58Z',
    updatedAt: '2026-11-24T10:00:00.120Z',
  };
  /** An event as the bus hands it to a target: the envelope around what the publisher put. */
  const onTheBus = (before: Record<string, unknown>, after: Record<string, unknown>) => {
    const event = statusEventOf({ before, after });
    if (!event) throw new Error('no event');
    return { ...sample, 'detail-type': event.detailType, source: EVENT_SOURCE, detail: event.detail };
  };

  let rulePattern: Record<string, unknown>;
  let ruleBus: unknown;
  beforeAll(() => {
    // The rule in a stack of the upstream team's own, on the Switchboard bus by name.
    const stack = new Stack(new App(), 'OrdersUpstream');
    new events.Rule(stack, 'OrderUpdatesNotDelivered', {
      eventBus: events.EventBus.fromEventBusName(stack, 'Switchboard', 'switchboard-dev'),
      eventPattern: { source: pattern.source as string[], detailType: pattern['detail-type'] as string[], detail: pattern.detail as Record<string, unknown> },
    });
    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    rulePattern = rule?.Properties.EventPattern;
    ruleBus = rule?.Properties.EventBusName;
  });

  it('synthesizes to the README’s pattern, on the bus the Switchboard stack creates', () => {
    expect(rulePattern).toEqual(pattern);
    expect(ruleBus).toBe(resources(dedicated)[idOf(dedicated, 'AWS::Events::EventBus', 'StatusEventsBus')]?.Properties.Name);
  });

  it('matches the event the publisher makes of a suppressed order update, which is the README’s sample', () => {
    const event = onTheBus(claimed, suppressed);
    expect(matchesPattern(rulePattern, event)).toBe(true);
    expect(event).toEqual(sample);
    expect(deliveryStatusDetailSchema.strict().parse(sample.detail)).toEqual(sample.detail);
  });

  it('matches a failed order update, and neither a sent one nor another template’s failure', () => {
    const failed = {
      ...suppressed,
      status: 'FAILED',
      attempts: [{ channel: 'email', at: suppressed.updatedAt, outcome: 'FAILED_PERMANENT', error: { code: 'EMAIL_REJECTED', message: 'x' } }],
    };
    expect(matchesPattern(rulePattern, onTheBus(claimed, failed))).toBe(true);
    expect(matchesPattern(rulePattern, onTheBus(claimed, { ...suppressed, status: 'SENT', channel: 'email' }))).toBe(false);
    expect(matchesPattern(rulePattern, onTheBus({ ...claimed, template: 'cart-reminder' }, { ...failed, template: 'cart-reminder' }))).toBe(false);
  });
});

describe('the event pattern matcher of these tests', () => {
  const event = {
    source: 'switchboard',
    'detail-type': 'Delivery Failed',
    detail: { template: 'order-shipped', attempt: 2, reasons: { errors: [{ channel: 'push', code: 'PUSH_NO_LIVE_TOKEN' }] } },
  };

  it('matches exact values and prefixes, at any depth, and any element of an array in the event', () => {
    expect(matchesPattern({ source: ['switchboard'], detail: { template: [{ prefix: 'order-' }], attempt: [1, 2] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { reasons: { errors: { code: ['PUSH_NO_LIVE_TOKEN'] } } } }, event)).toBe(true);
  });

  it('fails on a value that differs, a prefix that does not begin it, or a field the event lacks', () => {
    expect(matchesPattern({ source: ['aws.ses'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { template: [{ prefix: 'cart-' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { topic: ['orders'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { attempt: ['2'] } }, event)).toBe(false);
  });

  it('refuses what it cannot judge rather than guess', () => {
    expect(() => matchesPattern({ detail: { template: [{ 'anything-but': 'x' }] } }, event)).toThrow(/not supported/);
    expect(() => matchesPattern({ source: 'switchboard' }, event)).toThrow(/non-empty array/);
    expect(() => matchesPattern({ source: [] }, event)).toThrow(/non-empty array/);
  });
});
