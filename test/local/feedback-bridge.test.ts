import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedbackBridge } from '../../functions/local/feedback/bridge.js';
import { lambdaContext } from '../../functions/local/lambda-context.js';
import { SandboxState } from '../../functions/local/sandbox/state.js';
import type { LocalSes } from '../../functions/local/ses-local.js';

interface Delivered {
  source: string;
  'detail-type': string;
  time: string;
  region: string;
  resources: unknown[];
  detail: { record: { notification: { messageId: string }; status: string }; loggedAt: number; logGroup: string };
}

const noEmails = { emails: async () => [] } as unknown as LocalSes;
let bridge: FeedbackBridge | undefined;
afterEach(async () => bridge?.stop());

/** A bridge over a handler that records each invocation and answers with `summary`. */
function start(summary: (call: number) => Record<string, number>) {
  const sandbox = new SandboxState();
  const calls: unknown[] = [];
  const errors: unknown[] = [];
  bridge = new FeedbackBridge({
    handler: async (event: unknown, _context: Context) => summary(calls.push(event)),
    context: () => lambdaContext('switchboard-feedback', 10, 'eu-central-1'),
    ses: noEmails,
    sandbox,
    region: 'eu-central-1',
    configurationSet: 'local',
    tagsFor: async () => ({}),
    reportDelayMs: 1,
    pollIntervalMs: 5,
    onError: (error) => errors.push(error),
  });
  bridge.start();
  const text = (messageId: string, status: 'SUCCESS' | 'FAILURE') =>
    sandbox.recordSms({ messageId, at: '2026-11-24T12:00:00.000Z', phoneNumber: '+15550100001', message: 'hi', status, providerResponse: 'accepted' });
  return { calls: calls as Delivered[], errors, text };
}

describe('the local feedback bridge, SMS statuses', () => {
  it('delivers each status as the fan-out puts it on the default bus and a rule hands it on', async () => {
    const { calls, errors, text } = start(() => ({ applied: 1, unmatched: 0 }));
    text('m-1', 'FAILURE');
    await bridge?.settle(2_000);
    expect(errors).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ source: 'switchboard.sms-status', 'detail-type': 'SNS SMS delivery status', region: 'eu-central-1', resources: [] });
    expect(calls[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(calls[0]?.detail.record).toMatchObject({ notification: { messageId: 'm-1' }, status: 'FAILURE' });
    expect(calls[0]?.detail.logGroup).toBe('sns/eu-central-1/000000000000/DirectPublishToPhoneNumber/Failure');
    expect(calls[0]?.detail.loggedAt).toBe(Date.parse('2026-11-24T12:00:00.000Z'));
  });

  it('delivers a status the handler could not place once more, and no more', async () => {
    const { calls, text } = start(() => ({ applied: 0, unmatched: 1 }));
    text('m-2', 'SUCCESS');
    await bridge?.settle(2_000);
    expect(calls.map((call) => call.detail.record.notification.messageId)).toEqual(['m-2', 'm-2']);
  });
});
