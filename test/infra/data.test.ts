import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_TIMEOUT_SECONDS, requestsQueue } from '../../functions/definitions/tables.js';
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

const queueWithRedrive = (template: Template) => Object.values(template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } }));

describe('requests queue', () => {
  it('redrives to a dead-letter queue after the defined number of receives', () => {
    const queues = queueWithRedrive(dev.template);
    expect(queues).toHaveLength(1);
    const redrive = queues[0]?.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': string[] }; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(5);
    const dlqId = redrive.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    expect(dev.template.toJSON().Resources[dlqId].Properties).toMatchObject({
      MessageRetentionPeriod: requestsQueue.deadLetterRetentionDays * 86_400,
      SqsManagedSseEnabled: true,
    });
  });

  it('hides a message for at least six orchestrator timeouts', () => {
    const visibility = queueWithRedrive(dev.template)[0]?.Properties.VisibilityTimeout as number;
    expect(visibility).toBe(requestsQueue.visibilityTimeoutSeconds);
    expect(visibility).toBeGreaterThanOrEqual(6 * ORCHESTRATOR_TIMEOUT_SECONDS);
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TEMPLATE_BUNDLE_PATH: Match.anyValue() }) },
      Timeout: ORCHESTRATOR_TIMEOUT_SECONDS,
    });
  });

  it('encrypts every queue and refuses plain-HTTP access to it', () => {
    const queues = dev.template.findResources('AWS::SQS::Queue');
    for (const queue of Object.values(queues)) expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    const policies = Object.values(dev.template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(Object.keys(queues).length);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });
});

describe('tables', () => {
  const table = (template: Template, name: string) => {
    const found = Object.values(template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: name } }));
    expect(found).toHaveLength(1);
    return found[0] as { Properties: Record<string, unknown>; DeletionPolicy: string; UpdateReplacePolicy: string };
  };

  it('builds the four tables from the shared definitions, on demand with point-in-time recovery', () => {
    expect(Object.keys(dev.template.findResources('AWS::DynamoDB::Table'))).toHaveLength(4);
    for (const name of ['customers', 'deliveries', 'inbox', 'counters']) {
      expect(table(dev.template, `switchboard-dev-${name}`).Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    expect(table(dev.template, 'switchboard-dev-customers').Properties.KeySchema).toEqual([{ AttributeName: 'customerId', KeyType: 'HASH' }]);
    expect(table(dev.template, 'switchboard-dev-inbox').Properties.KeySchema).toEqual([
      { AttributeName: 'customerId', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('indexes deliveries by customer and expires deliveries, inbox items and counters by TTL', () => {
    expect(table(dev.template, 'switchboard-dev-deliveries').Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byCustomer',
        KeySchema: [
          { AttributeName: 'customerId', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    for (const name of ['deliveries', 'inbox', 'counters']) {
      expect(table(dev.template, `switchboard-dev-${name}`).Properties.TimeToLiveSpecification).toEqual({
        AttributeName: 'expiresAtEpoch',
        Enabled: true,
      });
    }
    expect(table(dev.template, 'switchboard-dev-customers').Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('can be thrown away in dev', () => {
    const customers = table(dev.template, 'switchboard-dev-customers');
    expect(customers.Properties.DeletionProtectionEnabled).toBe(false);
    expect(customers.DeletionPolicy).toBe('Delete');
  });

  it('is protected and retained outside dev', () => {
    for (const name of ['customers', 'deliveries', 'inbox', 'counters']) {
      const retained = table(prod.template, `switchboard-prod-${name}`);
      expect(retained.Properties.DeletionProtectionEnabled).toBe(true);
      expect(retained.DeletionPolicy).toBe('Retain');
      expect(retained.UpdateReplacePolicy).toBe('Retain');
    }
  });
});
