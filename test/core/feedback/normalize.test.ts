import { describe, expect, it } from 'vitest';
import { fromAppPushEvent, fromInboxAction, fromUnsubscribeLink } from '../../../functions/core/feedback/app.js';
import { fromSesEventBridge } from '../../../functions/core/feedback/ses.js';
import { fromSmsStatusLog } from '../../../functions/core/feedback/sms.js';
import { FIXTURE_MESSAGE_ID, FIXTURE_REQUEST_ID, sesFixture, smsFixture } from '../../support/feedback-fixtures.js';

function ses(name: Parameters<typeof sesFixture>[0], to?: Parameters<typeof sesFixture>[1]) {
  const result = fromSesEventBridge(sesFixture(name, to));
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

describe('SES events from EventBridge', () => {
  it.each([
    ['ses-send', 'sent', '2026-11-24T12:00:00.512Z', 'SEND'],
    ['ses-delivery', 'delivered', '2026-11-24T12:00:02.944Z', 'DELIVERY'],
    ['ses-bounce-permanent', 'bounced', '2026-11-24T12:00:03.669Z', 'BOUNCE Permanent/General'],
    ['ses-bounce-transient', 'bounced', '2026-11-24T12:29:58.120Z', 'BOUNCE Transient/MailboxFull'],
    ['ses-complaint', 'complained', '2026-11-24T14:04:58.000Z', 'COMPLAINT abuse'],
    ['ses-open', 'opened', '2026-11-24T12:59:58.652Z', 'OPEN'],
    ['ses-click', 'clicked', '2026-11-24T13:00:59.570Z', 'CLICK shop.example.com/cart'],
    ['ses-reject', 'rejected', '2026-11-24T12:00:00.512Z', 'REJECT Bad content'],
    ['ses-rendering-failure', 'failed', '2026-11-24T12:00:00.512Z', 'RENDERING_FAILURE cart-reminder'],
    ['ses-delivery-delay', 'delayed', '2026-11-24T12:09:58.095Z', 'DELIVERY_DELAY TransientCommunicationFailure'],
    ['ses-subscription', 'unsubscribed', '2026-11-24T14:59:57.910Z', 'SUBSCRIPTION opt-out promotions via UnsubscribeHeader'],
  ] as const)('%s becomes a %s email event at the time the provider reports', (fixture, kind, at, detail) => {
    const event = ses(fixture);
    expect(event).toMatchObject({ channel: 'email', kind, at, detail, source: 'ses', template: 'cart-reminder' });
    expect(event.correlation).toEqual({ providerMessageId: FIXTURE_MESSAGE_ID, sanitizedRequestId: 'cart-reminder_c-3001_20261124', sanitizedCustomerId: 'c-3001' });
  });

  it('takes the exact request id from the header, since the tag lost its dots', () => {
    expect(ses('ses-delivery').requestId).toBe(FIXTURE_REQUEST_ID);
    expect(ses('ses-delivery', { header: false }).requestId).toBeUndefined();
    expect(ses('ses-delivery-delay').requestId).toBeUndefined();
  });

  it('gives a redelivered event the same id and two opens of one email different ids', () => {
    expect(ses('ses-open').eventId).toBe(ses('ses-open').eventId);
    const second = sesFixture('ses-open');
    (second.detail.open as { timestamp: string }).timestamp = '2026-11-24T18:00:00.000Z';
    const result = fromSesEventBridge(second);
    expect(result.ok && result.event.eventId).not.toBe(ses('ses-open').eventId);
  });

  it('keeps the query string of a clicked link, which may carry a session, out of the record', () => {
    expect(ses('ses-click').detail).not.toContain('session');
  });

  it('carries the bounce type and the topics a subscription event opts out of, ignoring opt-ins', () => {
    expect(ses('ses-bounce-permanent').bounceType).toBe('Permanent');
    expect(ses('ses-bounce-transient').bounceType).toBe('Transient');
    expect(ses('ses-subscription').unsubscribe).toEqual({ topics: ['promotions'], all: false });
  });

  it('leaves a subscription event without any opt-out alone', () => {
    const event = sesFixture('ses-subscription');
    (event.detail.subscription as { newTopicPreferences: unknown }).newTopicPreferences = {
      unsubscribeAll: false,
      topicSubscriptionStatus: [{ topicName: 'promotions', subscriptionStatus: 'OptIn' }],
    };
    expect(fromSesEventBridge(event)).toEqual({ ok: false, reason: 'SES subscription event without an opt-out', path: 'detail.subscription.newTopicPreferences' });
  });

  it('reports what it cannot read instead of throwing', () => {
    expect(fromSesEventBridge({ source: 'aws.ec2', 'detail-type': 'x', detail: {} })).toEqual({ ok: false, reason: 'not an SES EventBridge event', path: 'source' });
    expect(fromSesEventBridge({ source: 'aws.ses', 'detail-type': 'Email Sent', detail: { eventType: 'Send' } })).toEqual({
      ok: false,
      reason: 'malformed SES event: mail',
      path: 'detail.mail',
    });
    const unknown = sesFixture('ses-send');
    unknown.detail.eventType = 'Teleport';
    expect(fromSesEventBridge(unknown)).toEqual({ ok: false, reason: 'SES event type Teleport is not handled', path: 'detail.eventType' });
  });
});

describe('SNS SMS delivery status records', () => {
  it('reads SNS timestamps, which carry no zone, as UTC', () => {
    const result = fromSmsStatusLog(smsFixture('sms-success'));
    expect(result).toEqual({
      ok: true,
      event: {
        eventId: 'sns:34d9b400-c6dd-5444-820d-fbeb0f1f54cf:success',
        channel: 'sms',
        kind: 'delivered',
        at: '2026-11-24T12:00:00.558Z',
        source: 'sns',
        detail: 'SMS SUCCESS: Message has been accepted by phone carrier',
        correlation: { providerMessageId: '34d9b400-c6dd-5444-820d-fbeb0f1f54cf' },
      },
    });
  });

  it('tells a number that opted out from one that could not be reached', () => {
    const failed = fromSmsStatusLog(smsFixture('sms-failure'));
    const stopped = fromSmsStatusLog(smsFixture('sms-opted-out'));
    expect(failed.ok && [failed.event.kind, failed.event.optedOut]).toEqual(['failed', undefined]);
    expect(stopped.ok && [stopped.event.kind, stopped.event.optedOut]).toEqual(['failed', true]);
  });

  it('never copies the destination number into the event', () => {
    const quoting = JSON.parse(smsFixture('sms-failure')) as { delivery: { providerResponse: string } };
    quoting.delivery.providerResponse = 'Invalid destination +49 151 0000 0000';
    const result = fromSmsStatusLog(JSON.stringify(quoting));
    expect(JSON.stringify(result)).not.toMatch(/\d{4} \d{4}|4915100000000/);
  });

  it('falls back to the log event time and rejects what is not a status record', () => {
    const record = JSON.parse(smsFixture('sms-success')) as { notification: { timestamp?: string } };
    delete record.notification.timestamp;
    const result = fromSmsStatusLog(JSON.stringify(record), Date.parse('2026-11-24T12:00:05Z'));
    expect(result.ok && result.event.at).toBe('2026-11-24T12:00:05.000Z');
    expect(fromSmsStatusLog('not json').ok).toBe(false);
    expect(fromSmsStatusLog('{"status":"SUCCESS"}').ok).toBe(false);
  });
});

describe('engagement reported by the app', () => {
  const at = new Date('2026-11-24T12:05:00Z');

  it('counts a read on two devices as one event, and a read as an open', () => {
    const read = fromInboxAction({ requestId: 'r-1', customerId: 'c-1', action: 'read', at });
    expect(read).toMatchObject({ eventId: 'inbox:r-1:read', kind: 'opened', channel: 'in_app', customerId: 'c-1' });
    expect(fromInboxAction({ requestId: 'r-1', customerId: 'c-1', action: 'read', at: new Date('2026-11-24T13:00:00Z') }).eventId).toBe(read.eventId);
  });

  it('reports push opens and one-click unsubscribes for their own channel', () => {
    expect(fromAppPushEvent({ requestId: 'r-2', customerId: 'c-1', kind: 'opened', at })).toMatchObject({ channel: 'push', kind: 'opened', eventId: 'app:push:r-2:opened' });
    expect(fromUnsubscribeLink({ requestId: 'r-3', customerId: 'c-1', topic: 'promotions', at })).toMatchObject({
      channel: 'email',
      kind: 'unsubscribed',
      unsubscribe: { topics: ['promotions'], all: false },
    });
  });
});
