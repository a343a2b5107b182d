import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../functions/core/model.js';
import { observationsOf, observationsOfItem, observedDeliverySchema } from '../../../functions/core/learning/observations.js';

const T0 = '2026-11-24T10:00:00.000Z';
const T1 = '2026-11-24T10:00:01.000Z';
const LATER = '2026-11-24T14:00:00.000Z';

function record(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    requestId: 'r-1',
    customerId: 'c-1',
    status: 'SENT',
    channel: 'push',
    attempts: [{ channel: 'push', at: T1, outcome: 'SENT' }],
    decision: { ranked: [], excluded: [], moment: 'app', preferred: 'email' },
    timeline: [
      { status: 'ACCEPTED', at: T0 },
      { status: 'SENT', at: T1, channel: 'push' },
    ],
    createdAt: T0,
    updatedAt: T1,
    ...overrides,
  };
}

const observe = (r: DeliveryRecord) => observationsOf(observedDeliverySchema.parse(r));

describe('observationsOf', () => {
  it('observes the channel sent on, at the send time, in the decision’s moment and stated preference, not engaged until opened', () => {
    expect(observe(record())).toEqual([{ channel: 'push', moment: 'app', preferred: 'email', engaged: false, at: new Date(T1) }]);
  });

  it('counts an open or a click on that channel as engaged', () => {
    for (const status of ['OPENED', 'CLICKED'] as const) {
      const opened = record({ status, timeline: [...record().timeline, { status, at: LATER, channel: 'push' }] });
      expect(observe(opened)).toEqual([expect.objectContaining({ channel: 'push', engaged: true })]);
    }
  });

  it('takes the status of a one-channel record when its timeline stopped short of the open', () => {
    expect(observe(record({ status: 'CLICKED' }))).toEqual([expect.objectContaining({ engaged: true })]);
  });

  it('leaves out the moment and the preference when the decision knew none, as records decided before them', () => {
    const [observation] = observe(record({ decision: { ranked: [], excluded: [] } }));
    expect(observation).not.toHaveProperty('moment');
    expect(observation).not.toHaveProperty('preferred');
  });

  it('observes every channel of a message sent on several, each engaged only by its own events', () => {
    const both = record({
      status: 'OPENED',
      channels: ['email', 'in_app'],
      attempts: [
        { channel: 'email', at: T1, outcome: 'SENT' },
        { channel: 'in_app', at: T1, outcome: 'SENT' },
      ],
      timeline: [{ status: 'OPENED', at: LATER, channel: 'in_app' }],
    });
    expect(observe(both)).toEqual([
      { channel: 'email', moment: 'app', preferred: 'email', engaged: false, at: new Date(T1) },
      { channel: 'in_app', moment: 'app', preferred: 'email', engaged: true, at: new Date(T1) },
    ]);
  });

  it('observes only the channel that took a failover, not the one that failed', () => {
    const failover = record({
      attempts: [
        { channel: 'push', at: T1, outcome: 'FAILED_PERMANENT', error: { code: 'TOKEN_DEAD', message: 'gone' } },
        { channel: 'email', at: T1, outcome: 'SENT' },
      ],
    });
    expect(observe(failover).map((o) => o.channel)).toEqual(['email']);
  });

  it('gives each escalation step its own observation, the moment only to the first, decided with it', () => {
    const escalated = record({
      strategy: 'escalate',
      status: 'CLICKED',
      attempts: [
        { channel: 'push', at: T1, outcome: 'SENT' },
        { channel: 'email', at: LATER, outcome: 'SENT' },
      ],
      escalation: {
        afterMs: 3_600_000,
        steps: [
          { channel: 'push', sentAt: T1, reason: 'push first, the best channel' },
          { channel: 'email', sentAt: LATER, reason: 'push not opened' },
        ],
        stopped: { cause: 'engaged', reason: 'clicked', at: LATER },
      },
      timeline: [{ status: 'CLICKED', at: LATER, channel: 'email' }],
    });
    expect(observe(escalated)).toEqual([
      { channel: 'push', moment: 'app', preferred: 'email', engaged: false, at: new Date(T1) },
      { channel: 'email', preferred: 'email', engaged: true, at: new Date(LATER) },
    ]);
  });

  it('leaves out a channel the message bounced on: it was never delivered there', () => {
    const bounced = record({
      status: 'BOUNCED',
      channel: 'email',
      attempts: [{ channel: 'email', at: T1, outcome: 'SENT' }],
      timeline: [{ status: 'BOUNCED', at: LATER, channel: 'email' }],
    });
    expect(observe(bounced)).toEqual([]);
  });

  it.each(['SUPPRESSED', 'REJECTED', 'DEFERRED', 'EXPIRED', 'FAILED', 'RENDER_FAILED'] as const)('gives nothing for a record %s, which was never sent', (status) => {
    const failed = status === 'FAILED' ? [{ channel: 'push' as const, at: T1, outcome: 'FAILED_PERMANENT' as const }] : [];
    expect(observe(record({ status, attempts: failed, channel: undefined }))).toEqual([]);
  });

  it('falls back to the record’s creation when an attempt’s time cannot be read', () => {
    expect(observe(record({ attempts: [{ channel: 'push', at: 'soon', outcome: 'SENT' }] }))[0]?.at).toEqual(new Date(T0));
  });
});

describe('observationsOfItem', () => {
  it('reads a stored item, and gives nothing for one whose parts do not fit', () => {
    expect(observationsOfItem(record())).toHaveLength(1);
    expect(observationsOfItem({ ...record(), attempts: [{ channel: 'fax', at: T1, outcome: 'SENT' }] })).toEqual([]);
    expect(observationsOfItem({ requestId: 'r-2' })).toEqual([]);
    expect(observationsOfItem(undefined)).toEqual([]);
  });
});
