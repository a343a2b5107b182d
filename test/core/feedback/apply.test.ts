import { describe, expect, it } from 'vitest';
import { MemoryCustomerDirectory } from '../../../functions/adapters/memory/customer-directory.js';
import { RetryableError } from '../../../functions/core/errors.js';
import { applyFeedbackBatch } from '../../../functions/core/feedback/apply.js';
import type { FeedbackEvent } from '../../../functions/core/feedback/event.js';
import type { FeedbackStore, FeedbackTarget, FeedbackTelemetryEvent, FeedbackWrite } from '../../../functions/core/feedback/ports.js';

/** A store that keeps writes in memory and fails on one request, like a throttled partition. */
class FlakyStore implements FeedbackStore {
  readonly writes: FeedbackWrite[] = [];
  async find(requestId: string): Promise<FeedbackTarget | undefined> {
    if (requestId === 'r-throttled') throw new RetryableError('throttled', 'ThrottlingException');
    return { requestId, customerId: 'c-1', status: 'SENT', sentChannels: ['email'], finished: true, seenEvents: new Set(), countedEngagement: new Set(), timelineLength: 1 };
  }
  async record(write: FeedbackWrite): Promise<boolean> {
    this.writes.push(write);
    return true;
  }
}

const event = (requestId: string): FeedbackEvent => ({ eventId: `e-${requestId}`, requestId, channel: 'email', kind: 'delivered', at: '2026-11-24T12:00:00.000Z', source: 'ses' });

describe('a batch of feedback events', () => {
  it('applies every event it can and then fails, so the source redelivers the batch', async () => {
    const store = new FlakyStore();
    const telemetry: FeedbackTelemetryEvent[] = [];
    const deps = {
      store,
      index: { lookup: async () => undefined },
      customers: new MemoryCustomerDirectory(),
      suppressions: { apply: async () => undefined },
      telemetry: { record: (e: FeedbackTelemetryEvent) => telemetry.push(e) },
      clock: { now: () => new Date('2026-11-24T16:00:00Z') },
    };
    await expect(applyFeedbackBatch([event('r-1'), event('r-throttled'), event('r-2')], deps)).rejects.toThrow('throttled');
    expect(store.writes.map((w) => w.requestId).sort()).toEqual(['r-1', 'r-2']);
    expect(telemetry.filter((e) => e.kind === 'outcome')).toHaveLength(2);
  });
});
