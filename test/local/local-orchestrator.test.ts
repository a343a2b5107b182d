import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../functions/core/model.js';
import type { WakeMessage } from '../../functions/core/timing/wake.js';
import { lambdaContext } from '../../functions/local/lambda-context.js';
import { localOrchestratorHandler } from '../../functions/local/orchestrator.js';
import { LocalWakeScheduler } from '../../functions/local/wake-scheduler.js';
import { harness, reachableCustomer, testRequest, testTemplate } from '../support/orchestrator-harness.js';

const orderUpdate = testTemplate({ id: 'order-update', category: 'transactional', topic: 'order-updates', channels: ['push', 'sms', 'email'] });

/** Reachable by push and SMS only, asleep in Tokyo at 17:00 UTC (02:00 there). */
function asleepInTokyo(customerId: string): Customer {
  const { email: _email, inApp: _inApp, ...rest } = reachableCustomer(customerId, { timeZone: 'Asia/Tokyo' });
  return rest;
}

let sequence = 0;
function sqsEvent(bodies: unknown[]): SQSEvent {
  const records = bodies.map((body): SQSRecord => ({
    messageId: `m-${++sequence}`,
    receiptHandle: 'receipt',
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'local', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:requests',
    awsRegion: 'us-east-1',
  }));
  return { Records: records };
}

function localMode() {
  const h = harness({ customers: [asleepInTokyo('c-1'), reachableCustomer('c-2')], templates: [orderUpdate, testTemplate()], now: '2026-11-24T17:00:00Z' });
  const queued: WakeMessage[] = [];
  const wakes = new LocalWakeScheduler({ clock: { now: h.now }, send: async (message) => void queued.push(message) });
  const deps = { ...h.deps, scheduler: wakes };
  const handler = localOrchestratorHandler(deps, new Logger({ serviceName: 'local-orchestrator-test', logLevel: 'SILENT' }), wakes);
  const invoke = (bodies: unknown[]) => handler(sqsEvent(bodies), lambdaContext('switchboard-orchestrator', 30, 'us-east-1'));
  return { h, wakes, queued, invoke };
}

describe('the local orchestrator', () => {
  it('arranges deferrals with the local scheduler', async () => {
    const { h, wakes, invoke } = localMode();
    await invoke([testRequest({ template: 'order-update' })]);
    expect(h.deliveries.get('r-1')).toMatchObject({ status: 'DEFERRED', deferredUntil: '2026-11-24T23:00:00.000Z' });
    expect(wakes.pending()).toEqual([expect.objectContaining({ requestId: 'r-1', kind: 'deferral', due: new Date('2026-11-24T23:00:00Z') })]);
    await wakes.stop();
  });

  it('handles a wake fired early as at its due time, and the rest of its batch on the real clock', async () => {
    const { h, wakes, queued, invoke } = localMode();
    await invoke([testRequest({ template: 'order-update' })]);
    await wakes.firePending('r-1');
    expect(queued).toEqual([{ wake: { requestId: 'r-1', token: 'd1', kind: 'deferral' } }]);

    const response = await invoke([testRequest({ requestId: 'r-2', customerId: 'c-2' }), ...queued]);

    expect(response).toEqual({ batchItemFailures: [] });
    const woken = h.deliveries.get('r-1');
    expect(woken?.status).toBe('SENT');
    expect(woken?.timeline.map((event) => event.status)).toEqual(['ACCEPTED', 'DEFERRED', 'SENT']);
    // 08:00 in Tokyo: quiet hours are over, as they will be when the wake is due.
    expect(woken?.timeline.at(-1)).toMatchObject({ channel: 'push', at: '2026-11-24T23:00:00.000Z' });
    expect(h.senders.push.sent).toHaveLength(1);
    expect(h.deliveries.get('r-2')?.updatedAt).toBe('2026-11-24T17:00:00.000Z');
    await wakes.stop();
  });

  it('handles a wake that comes due on the real clock', async () => {
    const { h, wakes, queued, invoke } = localMode();
    await invoke([testRequest({ template: 'order-update' })]);
    h.advance(6 * 3_600_000);
    await wakes.firePending('r-1');
    expect(wakes.firedEarlyFor('r-1')).toEqual([]);

    await invoke(queued);

    expect(h.deliveries.get('r-1')?.timeline.at(-1)).toMatchObject({ status: 'SENT', at: '2026-11-24T23:00:00.000Z' });
    await wakes.stop();
  });
});
