import { describe, expect, it } from 'vitest';
import { SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { normalizeFeedbackInput } from '../../functions/feedback/normalize.js';
import { awslogsEvent, smsFixture, smsFixtureMessageId } from '../support/feedback-fixtures.js';

const LOGGED = Date.parse('2026-11-24T12:00:01Z');
const smsStatusEvent = (detail: unknown) => ({ version: '0', id: 'e-1', 'detail-type': 'SNS SMS delivery status', source: SMS_STATUS_EVENT_SOURCE, detail });
const record = (name: Parameters<typeof smsFixture>[0]) => JSON.parse(smsFixture(name)) as Record<string, unknown>;

describe('feedback input: SMS status events from the default bus', () => {
  it('reads the record as the subscription path reads the same log message', () => {
    const fromBus = normalizeFeedbackInput(smsStatusEvent({ record: record('sms-opted-out'), loggedAt: LOGGED, logGroup: 'g', logEventId: '1' }));
    const fromLogs = normalizeFeedbackInput(awslogsEvent([smsFixture('sms-opted-out')]));
    expect(fromBus).toEqual(fromLogs);
    expect(fromBus).toEqual([{ ok: true, event: expect.objectContaining({ eventId: `sns:${smsFixtureMessageId('sms-opted-out')}:failure`, kind: 'failed', optedOut: true }) }]);
  });

  it('falls back to the log time for a record without its own', () => {
    const timeless = record('sms-success') as { notification: { timestamp?: string } };
    delete timeless.notification.timestamp;
    const [result] = normalizeFeedbackInput(smsStatusEvent({ record: timeless, loggedAt: LOGGED }));
    expect(result).toMatchObject({ ok: true, event: { at: '2026-11-24T12:00:01.000Z' } });
  });

  it.each([
    ['no detail', undefined, 'detail'],
    ['a detail that is an array', [], 'detail'],
    ['no record', { loggedAt: LOGGED }, 'detail.record'],
    ['a record that is text', { record: smsFixture('sms-success'), loggedAt: LOGGED }, 'detail.record'],
    ['a record that is an array', { record: [], loggedAt: LOGGED }, 'detail.record'],
    ['a log time that is text', { record: record('sms-success'), loggedAt: '2026-11-24' }, 'detail.loggedAt'],
  ])('ignores, with its path, an event with %s', (_name, detail, path) => {
    const [result] = normalizeFeedbackInput(smsStatusEvent(detail));
    expect(result).toMatchObject({ ok: false, path });
  });

  it('ignores a record that is not an SNS status, naming the field', () => {
    expect(normalizeFeedbackInput(smsStatusEvent({ record: { status: 'MAYBE' }, loggedAt: LOGGED }))).toEqual([
      { ok: false, reason: expect.stringContaining('malformed SMS status record'), path: 'notification' },
    ]);
  });

  it('ignores a record nested too deep to write back, instead of throwing', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(normalizeFeedbackInput(smsStatusEvent({ record: deep, loggedAt: LOGGED }))).toEqual([{ ok: false, reason: expect.any(String), path: expect.any(String) }]);
  });
});
