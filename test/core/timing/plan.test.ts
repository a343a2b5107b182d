import { describe, expect, it } from 'vitest';
import { defaultDecisionConfig } from '../../../functions/core/config.js';
import { planDelivery } from '../../../functions/core/timing/plan.js';
import { manifest, sendRequest } from '../../fixtures/requests.js';
import { opensOfTen, reachableCustomer } from '../../support/orchestrator-harness.js';

const NOON_BERLIN = new Date('2026-11-24T11:00:00Z');
const NIGHT_BERLIN = new Date('2026-11-24T23:00:00Z');
const customer = reachableCustomer('c-1001');
/** Opens most of her push: push is the best channel whenever it is open. */
const pushReader = reachableCustomer('c-1001', opensOfTen({ push: 8 }));

describe('planDelivery: channels, the clock and the deferral rules in one decision', () => {
  it('adds no timing note when the clock holds nothing back', () => {
    const plan = planDelivery({ request: sendRequest(), customer, manifest: manifest(), now: NOON_BERLIN }, defaultDecisionConfig);
    expect(plan.timing.kind).toBe('send_now');
    expect(plan.decision.timing).toBeUndefined();
    expect(plan.decision.ranked.map((entry) => entry.channel).sort()).toEqual(['email', 'in_app', 'push', 'sms']);
  });

  it('ranks a channel closed by quiet hours with the others, and excludes it for now with the reason', () => {
    const plan = planDelivery({ request: sendRequest({ channels: ['push', 'email'] }), customer: pushReader, manifest: manifest(), now: NIGHT_BERLIN }, defaultDecisionConfig);
    expect(plan.timing).toMatchObject({ kind: 'defer', reason: 'QUIET_HOURS', channel: 'push', until: new Date('2026-11-25T07:00:00Z') });
    expect(plan.decision.ranked.map((entry) => entry.channel)).toEqual(['email']);
    expect(plan.decision.excluded).toContainEqual(expect.objectContaining({ channel: 'push', reason: 'QUIET_HOURS', detail: expect.stringMatching(/until/) as unknown }));
    expect(plan.decision.timing).toMatchObject({ outcome: 'defer', until: '2026-11-25T07:00:00.000Z' });
  });

  it('lets a transactional high-priority message through quiet hours, but never through a template send window', () => {
    const urgent = sendRequest({ priority: 'high', channels: ['push'] });
    const receipt = manifest({ category: 'transactional', topic: 'order-updates' });
    expect(planDelivery({ request: urgent, customer, manifest: receipt, now: NIGHT_BERLIN }, defaultDecisionConfig).timing).toMatchObject({ kind: 'send_now', channel: 'push' });
    const windowed = manifest({ category: 'transactional', topic: 'order-updates', sendWindow: { notBefore: '08:00', notAfter: '20:00' } });
    expect(planDelivery({ request: urgent, customer, manifest: windowed, now: NIGHT_BERLIN }, defaultDecisionConfig).timing).toMatchObject({
      kind: 'defer',
      reason: 'SEND_WINDOW',
    });
  });

  it('holds even silent channels to a send window', () => {
    const plan = planDelivery(
      { request: sendRequest({ channels: ['email'] }), customer, manifest: manifest({ sendWindow: { notBefore: '13:00', notAfter: '17:00' } }), now: NOON_BERLIN },
      defaultDecisionConfig,
    );
    expect(plan.timing).toMatchObject({ kind: 'defer', reason: 'SEND_WINDOW', until: new Date('2026-11-24T12:00:00Z') });
  });

  it('waits for sendAt before anything else, and not again once it was reached', () => {
    const request = sendRequest({ sendAt: { localTime: '18:00' } });
    expect(planDelivery({ request, customer, manifest: manifest(), now: NOON_BERLIN }, defaultDecisionConfig).timing).toMatchObject({
      kind: 'defer',
      reason: 'SCHEDULED',
      until: new Date('2026-11-24T17:00:00Z'),
    });
    expect(planDelivery({ request, customer, manifest: manifest(), now: NOON_BERLIN, sendAtReached: true }, defaultDecisionConfig).timing.kind).toBe('send_now');
  });

  it('follows the configured rule: transactional may be told to wait for the best channel too', () => {
    const request = sendRequest({ channels: ['push', 'email'] });
    const receipt = manifest({ category: 'transactional', topic: 'order-updates' });
    expect(planDelivery({ request, customer: pushReader, manifest: receipt, now: NIGHT_BERLIN }, defaultDecisionConfig).timing).toMatchObject({
      kind: 'send_now',
      channel: 'email',
    });
    const patient = { ...defaultDecisionConfig, deferral: { ...defaultDecisionConfig.deferral, transactional: 'wait_for_best' as const } };
    expect(planDelivery({ request, customer: pushReader, manifest: receipt, now: NIGHT_BERLIN }, patient).timing).toMatchObject({ kind: 'defer', channel: 'push' });
  });
});
