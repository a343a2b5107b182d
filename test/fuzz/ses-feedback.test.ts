import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fromSesEventBridge, fromSesRecord, REQUEST_ID_HEADER } from '../../functions/core/feedback/ses.js';
import { sesFixture } from '../support/feedback-fixtures.js';
import { deepValue, expectNormalized, expectUntouchedPrototypes, fuzz, hostileJson, hostileString, hugeString, pathsIn, protoObject, replaceAt } from './hostile.js';

const FIXTURES = [
  'ses-send',
  'ses-delivery',
  'ses-bounce-permanent',
  'ses-bounce-transient',
  'ses-complaint',
  'ses-open',
  'ses-click',
  'ses-reject',
  'ses-rendering-failure',
  'ses-delivery-delay',
  'ses-subscription',
] as const;

/** A real SES event with one value anywhere in it replaced by something hostile. */
const mutatedEvent = fc
  .record({ fixture: fc.constantFrom(...FIXTURES), pick: fc.nat(), replacement: fc.oneof(hostileJson, hostileString, deepValue, protoObject) })
  .map(({ fixture, pick, replacement }) => {
    const event = sesFixture(fixture);
    const paths = pathsIn(event);
    return replaceAt(event, paths[pick % paths.length] as string[], replacement);
  });

/** The fields the reader uses, each filled with text that is huge, malformed or not well-formed. */
const hostileFields = fc
  .record({ fixture: fc.constantFrom(...FIXTURES), text: fc.oneof(hostileString, hugeString), many: fc.integer({ min: 0, max: 2_000 }) })
  .map(({ fixture, text, many }) => {
    const event = sesFixture(fixture);
    const { detail } = event as unknown as { detail: Record<string, Record<string, unknown>> };
    const mail = detail.mail as Record<string, unknown>;
    mail.headers = [{ name: REQUEST_ID_HEADER, value: text }];
    mail.tags = { requestId: [text], customerId: [text], template: [text], topic: [text] };
    (detail as Record<string, unknown>).eventType = fixture === 'ses-send' ? text : detail.eventType;
    for (const part of ['bounce', 'complaint', 'open', 'click', 'deliveryDelay', 'subscription', 'reject', 'failure'] as const) {
      if (detail[part])
        Object.assign(detail[part], { timestamp: text, feedbackId: text, bounceSubType: text, link: text, delayType: text, reason: text, templateName: text, source: text });
    }
    if (detail.subscription) {
      detail.subscription.newTopicPreferences = {
        unsubscribeAll: false,
        topicSubscriptionStatus: Array.from({ length: many }, (_, i) => ({ topicName: i % 2 === 0 ? text : `topic-${i}`, subscriptionStatus: 'OptOut' })),
      };
    }
    return event;
  });

describe('SES event reader never throws and stays bounded', () => {
  test.prop([hostileJson], fuzz(300))('for any value as the event or as its detail', (value) => {
    expectNormalized(fromSesEventBridge(value));
    expectNormalized(fromSesEventBridge({ source: 'aws.ses', 'detail-type': 'Email Bounced', detail: value }));
    expectNormalized(fromSesRecord(value));
    expectUntouchedPrototypes();
  });

  test.prop([mutatedEvent], fuzz(400))('for a real event with any one value replaced', (event) => {
    expectNormalized(fromSesEventBridge(event));
    expectUntouchedPrototypes();
  });

  test.prop([hostileFields], fuzz(120))('for huge, malformed and lone-surrogate text in every field it reads', (event) => {
    expectNormalized(fromSesEventBridge(event));
  });

  test.prop([fc.constantFrom(...FIXTURES)], fuzz(11))('still reads every real event', (fixture) => {
    const result = fromSesEventBridge(sesFixture(fixture));
    expect(result.ok).toBe(true);
    expectNormalized(result);
  });
});
