import { describe, expect, it } from 'vitest';
import type { Acceptance, Observations } from '../../chaos/collect.js';
import type { ConsentChange } from '../../chaos/feedback-pump.js';
import { checkInvariants, type InvariantInputs } from '../../chaos/invariants.js';
import type { Invocation } from '../../chaos/invoker.js';
import { type ConsentProfile, population } from '../../chaos/population.js';
import type { PlannedRequest, Workload } from '../../chaos/workload.js';
import type { DeliveryRecord } from '../../functions/core/model.js';

const NOON = Date.parse('2026-11-24T12:00:00Z');
const people = population(1, 24, new Date(NOON));
const customerWith = (profile: ConsentProfile) => people.customers.find((c) => c.profile === profile)?.customer.customerId as string;

function request(requestId: string, customerId: string, over: Partial<PlannedRequest> = {}): PlannedRequest {
  return {
    requestId,
    customerId,
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    marker: `ZQ${requestId.padStart(8, '0').slice(-8)}`,
    valid: true,
    ...over,
  };
}

function inputs(
  requests: PlannedRequest[],
  over: { records?: DeliveryRecord[]; acceptances?: Acceptance[]; invocations?: Invocation[]; consentChanges?: ConsentChange[]; deadLetters?: Observations['deadLetters'] },
): InvariantInputs {
  const work: Workload = { requests, byId: new Map(requests.map((r) => [r.requestId, r])), byMarker: new Map(requests.map((r) => [r.marker, r])), queue: [] };
  const records = over.records ?? requests.map((r) => record(r.requestId, 'SENT'));
  return {
    people,
    work,
    seen: { records: new Map(records.map((r) => [r.requestId, r])), acceptances: over.acceptances ?? [], unattributed: [], deadLetters: over.deadLetters ?? [], leftOnQueue: 0 },
    invocations: over.invocations ?? [],
    consentChanges: over.consentChanges ?? [],
    mismatchedFeedback: [],
    unnamedPoison: [],
    logs: { lines: 0, leaks: [] },
  };
}

function record(requestId: string, status: DeliveryRecord['status'], over: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { requestId, customerId: 'c', status, attempts: [], timeline: [{ status, at: new Date(NOON).toISOString() }], createdAt: '', updatedAt: '', ...over };
}

const accepted = (requestId: string, channel: Acceptance['channel'], at = NOON): Acceptance => ({ requestId, channel, at, id: `${requestId}-${channel}-${at}`, countedAt: at });
const invocation = (id: number, requestIds: string[], startedAt: number, endedAt: number): Invocation => ({
  id,
  worker: 0,
  startedAt,
  endedAt,
  requestIds,
  messages: requestIds.length,
  failed: 0,
  outcome: 'completed',
});

describe('the chaos run judges what it observed', () => {
  const everything = customerWith('everything');

  it('counts a valid request lost when its record is missing or still ACCEPTED, and poison apart', () => {
    const requests = [request('r1', everything), request('r2', everything), request('r3', everything), request('p1', everything, { valid: false, poison: 'huge_field_name' })];
    const result = checkInvariants(inputs(requests, { records: [record('r1', 'SENT'), record('r2', 'ACCEPTED', { lastRetry: { code: 'PUSH_THROTTLED', at: '' } })] }));
    expect(result.lost.map((v) => v.requestId)).toEqual(['r2', 'r3']);
    expect(result.lost[0]?.detail).toContain('last retry PUSH_THROTTLED');
    expect(result.poisonUnrecorded.map((v) => v.requestId)).toEqual(['p1']);
  });

  it('counts a channel accepted twice for one request, not two channels of one request', () => {
    const requests = [request('r1', everything), request('r2', everything)];
    const result = checkInvariants(inputs(requests, { acceptances: [accepted('r1', 'push'), accepted('r1', 'push', NOON + 5), accepted('r2', 'push'), accepted('r2', 'email')] }));
    expect(result.duplicated.map((v) => v.requestId)).toEqual(['r1']);
  });

  it('holds each send to the consent book: marketing needs an opt-in, an opt-out of the channel or topic excludes', () => {
    const requests = [
      request('r1', customerWith('transactional_only')),
      request('r2', customerWith('transactional_only'), { template: 'order-shipped', category: 'transactional', topic: 'order-updates' }),
      request('r3', customerWith('no_promotions_on_push')),
      request('r4', customerWith('no_promotions_on_push'), { topic: 'new-arrivals' }),
      request('r5', customerWith('no_email_at_all'), { template: 'order-shipped', category: 'transactional', topic: 'order-updates' }),
    ];
    const result = checkInvariants(
      inputs(requests, { acceptances: [accepted('r1', 'email'), accepted('r2', 'sms'), accepted('r3', 'push'), accepted('r4', 'push'), accepted('r5', 'email')] }),
    );
    expect(result.unconsented.map((v) => v.requestId)).toEqual(['r1', 'r3', 'r5']);
  });

  it('holds a send to a complaint only when the sending invocation started after the complaint was recorded', () => {
    const requests = [
      request('before', everything),
      request('after', everything),
      request('receipt', everything, { template: 'order-shipped', category: 'transactional', topic: 'order-updates' }),
    ];
    const complaint: ConsentChange = { customerId: everything, channel: 'email', kind: 'complaint', committedAt: NOON };
    const result = checkInvariants(
      inputs(requests, {
        acceptances: [accepted('before', 'email', NOON + 500), accepted('after', 'email', NOON + 2_000), accepted('receipt', 'email', NOON + 2_000)],
        invocations: [invocation(1, ['before'], NOON - 100, NOON + 600), invocation(2, ['after', 'receipt'], NOON + 1_000, NOON + 2_500)],
        consentChanges: [complaint],
      }),
    );
    expect(result.unconsented.map((v) => v.requestId)).toEqual(['after']);
  });

  it('counts a window past a cap from what providers accepted: two marketing pushes a day, not three', () => {
    const requests = ['r1', 'r2', 'r3'].map((id) => request(id, everything));
    const two = checkInvariants(inputs(requests, { acceptances: [accepted('r1', 'push'), accepted('r2', 'push')] }));
    const three = checkInvariants(inputs(requests, { acceptances: [accepted('r1', 'push'), accepted('r2', 'push'), accepted('r3', 'push')] }));
    expect(two.overCap).toEqual([]);
    expect(three.overCap.map((v) => v.detail.split(':')[0])).toEqual([`${everything} push marketing 2026-11-24`]);
  });

  it('accepts a dead letter only when its record says why', () => {
    const requests = [request('r1', everything), request('r2', everything)];
    const result = checkInvariants(
      inputs(requests, {
        records: [record('r1', 'ACCEPTED', { lastRetry: { code: 'EMAIL_THROTTLED', at: '' } }), record('r2', 'ACCEPTED')],
        deadLetters: [
          { messageId: 'm1', body: '{"requestId":"r1"}', receiveCount: 5 },
          { messageId: 'm2', body: '{"requestId":"r2"}', receiveCount: 5 },
          { messageId: 'm3', body: 'not json', receiveCount: 5 },
        ],
      }),
    );
    expect(result.deadLetters.unexplained.map((v) => v.requestId)).toEqual(['r2', 'sqs:m3']);
  });
});
