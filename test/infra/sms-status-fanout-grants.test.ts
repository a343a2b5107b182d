import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { awslogsEvent, smsFixture } from '../support/feedback-fixtures.js';
import { DeployedStack, simulate, unexercisedGrants } from '../support/iam-simulation.js';
import { context } from '../support/inbox-world.js';
import { SdkCallLog } from '../support/sdk-calls.js';
import { synthesizeAccount } from './synth.js';

const eventBridge = mockClient(EventBridgeClient);
let synthesized: ReturnType<typeof synthesizeAccount>;
beforeAll(() => {
  synthesized = synthesizeAccount();
});
afterAll(() => {
  eventBridge.restore();
  synthesized.cleanup();
});

it('the SMS status fan-out makes only calls its synthesized role allows, and its role holds no grant they leave unused', async () => {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })) }));
  const { handler } = (await import('../../functions/sms-status-fanout/handler.js')) as { handler: (event: unknown, ctx: typeof context) => Promise<unknown> };
  expect(await handler(awslogsEvent([smsFixture('sms-success'), smsFixture('sms-opted-out')]), context)).toEqual({ forwarded: 2, skipped: 0 });

  const calls = new SdkCallLog({ eventBus: 'default' });
  calls.addMocked('EventBridge', eventBridge);
  const requests = calls.requests();
  expect(requests).toEqual([{ action: 'events:PutEvents', resource: 'event-bus/switchboard', context: { 'events:source': SMS_STATUS_EVENT_SOURCE } }]);
  const stack = new DeployedStack(synthesized.template.toJSON(), {
    stackName: synthesized.stack.stackName,
    queues: { smsStatusDeadLetters: 'SmsDeliveryStatusDeadLetters' },
  });
  const policies = stack.policiesOf('switchboard-sms-status-fanout');
  expect((await simulate(stack, policies, requests)).filter((verdict) => verdict.result !== 'Allowed')).toEqual([]);
  expect(unexercisedGrants(stack, policies, requests)).toEqual([]);
}, 60_000);
