import { describe, expect, it } from 'vitest';
import { deliveryErasure } from '../../functions/core/profile/erasure.js';

const AT = '2026-11-24T12:00:00.000Z';

describe('deliveryErasure', () => {
  it('removes every attribute it does not know to keep, and every personal detail inside the ones it keeps', () => {
    const item = {
      requestId: 'r-1',
      customerId: 'c-1',
      status: 'BOUNCED',
      attempts: [{ channel: 'email', at: AT, outcome: 'SENT', providerMessageId: 'ses-1', error: { code: 'X', message: 'lena@example.com' } }],
      timeline: [{ status: 'BOUNCED', at: AT, channel: 'email', detail: 'BOUNCE Permanent: lena@example.com', eventId: 'ses:ses-1:bounce' }],
      decision: {
        ranked: [{ channel: 'email', score: 1, reasons: ['context'], components: { context: 1 } }],
        excluded: [{ channel: 'sms', reason: 'NO_ADDRESS', detail: 'no phone' }],
        note: 'x',
      },
      lastRetry: { code: 'THROTTLED', at: AT, message: 'slow down' },
      problems: [{ path: 'data', message: 'lena' }],
      seenEvents: new Set(['ses:ses-1:bounce']),
      someFutureField: 'personal?',
    };
    const erasure = deliveryErasure(item, 'erased:p', AT);
    expect(erasure.remove).toEqual(
      expect.arrayContaining([
        ['problems'],
        ['seenEvents'],
        ['someFutureField'],
        ['attempts', 0, 'providerMessageId'],
        ['attempts', 0, 'error', 'message'],
        ['timeline', 0, 'detail'],
        ['timeline', 0, 'eventId'],
        ['lastRetry', 'message'],
        ['decision', 'note'],
        ['decision', 'excluded', 0, 'detail'],
      ]),
    );
    expect(erasure.remove).toHaveLength(10);
    expect(erasure.set).toEqual([
      { path: ['decision', 'ranked', 0, 'reasons'], value: [] },
      { path: ['customerId'], value: 'erased:p' },
      { path: ['erasedAt'], value: AT },
    ]);
    expect(erasure.providerMessages).toEqual([{ channel: 'email', providerMessageId: 'ses-1' }]);
  });

  it('nulls a list element that is not a map, so no other change’s index moves', () => {
    const erasure = deliveryErasure({ requestId: 'r-2', customerId: 'c-1', timeline: ['odd', { status: 'SENT', at: AT, detail: 'x' }], attempts: 'not a list' }, 'erased:p', AT);
    expect(erasure.set).toContainEqual({ path: ['timeline', 0], value: null });
    expect(erasure.remove).toEqual([['attempts'], ['timeline', 1, 'detail']]);
  });
});
