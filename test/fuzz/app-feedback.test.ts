import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { APP_PUSH_EVENTS, fromAppPushEvent, fromInboxAction, fromUnsubscribeLink, INBOX_ACTIONS, readAppPushEvent } from '../../functions/core/feedback/app.js';
import { isRequestId } from '../../functions/core/request.js';
import { deepValue, expectBoundedProblems, expectNormalized, expectUntouchedPrototypes, fuzz, hostileJson, hostileKey, hostileString, protoObject } from './hostile.js';

const at = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

/** The app's body: sometimes the right shape with a hostile value, sometimes anything at all. */
const pushEventBody = fc.oneof(
  hostileJson,
  deepValue,
  protoObject,
  fc.record({ requestId: fc.oneof(hostileString, fc.constant('r-1')), event: fc.oneof(fc.constantFrom(...APP_PUSH_EVENTS), hostileString) }),
  fc.tuple(hostileKey, hostileJson).map(([key, value]) => Object.defineProperty({ requestId: 'r-1', event: 'opened' }, key, { value, enumerable: true })),
);

describe('app event reader never throws and stays bounded', () => {
  test.prop([pushEventBody], fuzz(400))('for any push event body', (body) => {
    const reading = readAppPushEvent(body);
    if (reading.ok) {
      expect(isRequestId(reading.requestId)).toBe(true);
      expect(APP_PUSH_EVENTS).toContain(reading.kind);
    } else {
      expectBoundedProblems(reading.problems);
    }
    expectUntouchedPrototypes();
  });

  test.prop([hostileString, hostileString, hostileString, at], fuzz(200))('builds bounded events whatever the ids and topic', (requestId, customerId, topic, when) => {
    for (const action of INBOX_ACTIONS) expectEventIdBounded(fromInboxAction({ requestId, customerId, action, at: when, template: topic, topic }).eventId);
    for (const kind of APP_PUSH_EVENTS) expectEventIdBounded(fromAppPushEvent({ requestId, customerId, kind, at: when }).eventId);
    const unsubscribe = fromUnsubscribeLink({ requestId, customerId, topic, at: when });
    expectEventIdBounded(unsubscribe.eventId);
    expect(unsubscribe.detail?.length).toBeLessThanOrEqual(200);
  });

  test.prop([fc.constantFrom('r-1', 'cart-reminder.c-3001.20261124'), at], fuzz(20))('keeps every event a valid id makes exactly as before', (requestId, when) => {
    const event = fromAppPushEvent({ requestId, customerId: 'c-1', kind: 'opened', at: when });
    expect(event.eventId).toBe(`app:push:${requestId}:opened`);
    expectNormalized({ ok: true, event });
  });
});

function expectEventIdBounded(eventId: string): void {
  expect(eventId.length).toBeLessThanOrEqual(300);
}
