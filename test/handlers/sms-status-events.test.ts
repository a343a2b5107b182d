import { describe, expect, it } from 'vitest';
import type { LogsReading } from '../../functions/logs-payload/decode.js';
import { MAX_ENTRY_BYTES, statusDetailOf, statusEntries, statusEntriesOf } from '../../functions/sms-status-fanout/status-events.js';
import { awslogsEvent, smsFixture } from '../support/feedback-fixtures.js';

const GROUP = 'sns/eu-central-1/123456789012/DirectPublishToPhoneNumber';
const LOGGED = Date.parse('2026-11-24T12:00:01.250Z');

function reading(messages: string[], extra: Partial<LogsReading> = {}): LogsReading {
  return { logGroup: GROUP, entries: messages.map((message, i) => ({ index: i, id: `id-${i}`, timestamp: LOGGED + i, message })), problems: [], ...extra };
}

describe('SMS status log events into bus entries', () => {
  it('makes one default-bus entry per record, with the record parsed into the detail and the log time as the event time', () => {
    const { entries, skipped } = statusEntries(reading([smsFixture('sms-success'), smsFixture('sms-failure')]));
    expect(skipped).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual({
      EventBusName: 'default',
      Source: 'switchboard.sms-status',
      DetailType: 'SNS SMS delivery status',
      Detail: expect.any(String),
      Time: new Date(LOGGED),
    });
    expect(JSON.parse(entries[0]?.Detail ?? '')).toEqual({ record: JSON.parse(smsFixture('sms-success')), loggedAt: LOGGED, logGroup: GROUP, logEventId: 'id-0' });
    expect(entries[1]?.Time).toEqual(new Date(LOGGED + 1));
    expect(JSON.parse(entries[1]?.Detail ?? '')).toMatchObject({ record: { status: 'FAILURE' }, logEventId: 'id-1' });
  });

  it('skips and counts a message that is not a JSON object, keeping the records around it', () => {
    const { entries, skipped } = statusEntries(reading([smsFixture('sms-success'), 'not json', '[1,2]', 'null', '"text"', smsFixture('sms-opted-out')]));
    expect(entries.map((e) => (JSON.parse(e.Detail) as { logEventId: string }).logEventId)).toEqual(['id-0', 'id-5']);
    expect(skipped).toEqual([1, 2, 3, 4].map((i) => ({ path: `logEvents.${i}`, message: 'log message is not a JSON object' })));
  });

  it('leaves judging the record to feedback: any JSON object is forwarded', () => {
    expect(statusEntries(reading(['{"hello":"world"}'])).entries).toHaveLength(1);
  });

  it('skips a log event without a readable timestamp, and one too large for EventBridge', () => {
    const huge = JSON.stringify({ status: 'SUCCESS', padding: 'x'.repeat(MAX_ENTRY_BYTES) });
    const input = reading([smsFixture('sms-success'), huge]);
    input.entries[0] = { ...input.entries[0], index: 0, id: 'id-0', message: smsFixture('sms-success'), timestamp: Number.NaN };
    const { entries, skipped } = statusEntries(input);
    expect(entries).toEqual([]);
    expect(skipped[0]).toEqual({ path: 'logEvents.0', message: 'log event without a readable timestamp' });
    expect(skipped[1]?.path).toBe('logEvents.1');
    expect(skipped[1]?.message).toMatch(/^entry of \d+ bytes is over EventBridge's 262144$/);
  });

  it('passes on the problems the payload reader found', () => {
    expect(statusEntries(reading([], { problems: [{ path: 'logEvents.3.message', message: 'must be a string' }] })).skipped).toEqual([
      { path: 'logEvents.3.message', message: 'must be a string' },
    ]);
  });

  it('gives the detail of a record, or the reason it has none', () => {
    const entry = { index: 0, id: 'e-1', timestamp: LOGGED, message: smsFixture('sms-success') };
    expect(statusDetailOf(entry, GROUP)).toEqual({ record: JSON.parse(smsFixture('sms-success')), loggedAt: LOGGED, logGroup: GROUP, logEventId: 'e-1' });
    expect(statusDetailOf({ ...entry, message: '42' }, GROUP)).toBe('log message is not a JSON object');
  });
});

describe('a subscription delivery into bus entries', () => {
  it('decodes the payload and names the log group it came from', () => {
    const { entries, skipped } = statusEntriesOf(awslogsEvent([smsFixture('sms-success'), 'garbage']));
    expect(skipped).toEqual([{ path: 'logEvents.1', message: 'log message is not a JSON object' }]);
    expect(entries.map((e) => e.Time)).toEqual([new Date('2026-11-24T12:00:01Z')]);
    expect(JSON.parse(entries[0]?.Detail ?? '')).toMatchObject({ logGroup: GROUP, logEventId: '3719517000000', loggedAt: Date.parse('2026-11-24T12:00:01Z') });
  });

  it('makes nothing of the control message sent when the subscription is created', () => {
    expect(statusEntriesOf(awslogsEvent([], 'CONTROL_MESSAGE'))).toEqual({ entries: [], skipped: [] });
  });

  it('skips, never throws at, what is not a readable subscription payload', () => {
    expect(statusEntriesOf({ source: 'aws.ses' })).toEqual({ entries: [], skipped: [{ path: 'awslogs.data', message: 'not a CloudWatch Logs subscription payload' }] });
    expect(statusEntriesOf({ awslogs: { data: 'not gzip' } }).skipped.map((p) => p.path)).toEqual(['awslogs.data']);
  });
});
