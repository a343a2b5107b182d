import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLeaseMs, ORCHESTRATOR_LEASE_MS, ORCHESTRATOR_TIMEOUT_SECONDS, requestsQueue } from '../../functions/definitions/tables.js';
import { composeOrchestrator } from '../../functions/orchestrator/composition.js';
import { shortRun } from '../../chaos/settings.js';
import { synthesize, type Synthesized, TEMPLATE_BUNDLE } from './synth.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});
afterAll(() => synthesized.cleanup());

/** The deployed orchestrator's timeout and its queue's visibility timeout, in seconds, as the template sets them. */
function deployed(): { functionTimeout: number; visibilityTimeout: number } {
  const resources = synthesized.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  type Mapping = { FunctionName: { Ref: string }; EventSourceArn: { 'Fn::GetAtt'?: [string, string] } };
  const fromQueues = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping'))
    .map((mapping) => mapping.Properties as Mapping)
    .filter((mapping) => resources[mapping.EventSourceArn['Fn::GetAtt']?.[0] ?? '']?.Type === 'AWS::SQS::Queue');
  // The requests queue is the only queue a function consumes.
  expect(fromQueues).toHaveLength(1);
  const [mapping] = fromQueues as [Mapping];
  const fn = resources[mapping.FunctionName.Ref];
  const queue = resources[mapping.EventSourceArn['Fn::GetAtt']?.[0] ?? ''];
  expect(fn?.Type).toBe('AWS::Lambda::Function');
  expect(queue?.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: requestsQueue.maxReceiveCount });
  return { functionTimeout: fn?.Properties.Timeout as number, visibilityTimeout: queue?.Properties.VisibilityTimeout as number };
}

describe('the orchestrator claim lease', () => {
  it('outlasts the function timeout and ends before the requests queue redelivers, by the definitions', () => {
    expect(ORCHESTRATOR_LEASE_MS).toBeGreaterThan(ORCHESTRATOR_TIMEOUT_SECONDS * 1000);
    expect(ORCHESTRATOR_LEASE_MS).toBeLessThan(requestsQueue.visibilityTimeoutSeconds * 1000);
  });

  it('outlasts the deployed function timeout and ends before the deployed queue redelivers', () => {
    const { functionTimeout, visibilityTimeout } = deployed();
    expect(functionTimeout).toBe(ORCHESTRATOR_TIMEOUT_SECONDS);
    expect(visibilityTimeout).toBe(requestsQueue.visibilityTimeoutSeconds);
    expect(ORCHESTRATOR_LEASE_MS).toBeGreaterThan(functionTimeout * 1000);
    expect(ORCHESTRATOR_LEASE_MS).toBeLessThan(visibilityTimeout * 1000);
  });

  it('is the lease the orchestrator composition claims with', () => {
    const { deps } = composeOrchestrator({
      tables: { customers: 'c', deliveries: 'd', inbox: 'i', counters: 'n' },
      email: { configurationSet: 'set', fromAddress: 'news@shop.test' },
      links: { unsubscribeBaseUrl: 'https://api.shop.test/unsubscribe', preferencesBaseUrl: 'https://api.shop.test/preference-centre' },
      sms: {},
      retentionDays: { deliveries: 400, inbox: 90 },
      templateBundlePath: TEMPLATE_BUNDLE,
      wakes: {
        queueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/requests',
        queueArn: 'arn:aws:sqs:eu-central-1:123456789012:requests',
        scheduleGroup: 'wakes',
        roleArn: 'arn:aws:iam::123456789012:role/wakes',
        deadLetterQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:wakes-dlq',
      },
    });
    expect(deps.leaseMs).toBe(ORCHESTRATOR_LEASE_MS);
  });

  it('sits between timeout and visibility timeout in the chaos run too, and cannot be derived when they are the wrong way round', () => {
    const chaos = shortRun(1);
    expect(chaos.leaseMs).toBeGreaterThan(chaos.functionTimeoutMs);
    expect(chaos.leaseMs).toBeLessThan(chaos.visibilityTimeoutSeconds * 1000);
    expect(() => claimLeaseMs(30_000, 30_000)).toThrow(/must be longer than the function timeout/);
  });
});
