import { gzipSync } from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromSmsStatusLog } from '../../functions/core/feedback/sms.js';
import { decodeLogsEvent, MAX_LOGS_PAYLOAD_BYTES } from '../../functions/logs-payload/decode.js';
import { statusEntriesOf } from '../../functions/sms-status-fanout/status-events.js';
import { SMS_STATUS_EVENT_SOURCE } from '../../functions/definitions/sms-status.js';
import { normalizeFeedbackInput } from '../../functions/feedback/normalize.js';
import { awslogsEvent, smsFixture } from '../support/feedback-fixtures.js';
import { expectBoundedProblems, expectNormalized, fuzz, hostileJson, hostileString, nestedJsonText, pathsIn, replaceAt, stringifyJson } from './hostile.js';

const FIXTURES = ['sms-success', 'sms-failure', 'sms-opted-out'] as const;

/** A log event time: any number, including ones outside the range a Date can hold. */
const anyTime = fc.oneof(fc.double(), fc.constantFrom(8.64e15 + 1, -8.64e15 - 1, 1e300, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY), fc.constant(undefined));

const mutatedRecord = fc
  .record({ fixture: fc.constantFrom(...FIXTURES), pick: fc.nat(), replacement: fc.oneof(hostileJson, hostileString) })
  .map(({ fixture, pick, replacement }) => {
    const record = JSON.parse(smsFixture(fixture)) as unknown;
    const paths = pathsIn(record);
    return stringifyJson(replaceAt(record, paths[pick % paths.length] as string[], replacement)) ?? '';
  });

const gzipped = (text: string) => ({ awslogs: { data: gzipSync(Buffer.from(text, 'utf8'), { level: 1 }).toString('base64') } });

function expectReading(reading: ReturnType<typeof decodeLogsEvent>): void {
  if (reading.problems.length > 0) expectBoundedProblems(reading.problems);
  for (const entry of reading.entries) expect(typeof entry.message).toBe('string');
}

describe('SMS status log reader never throws and stays bounded', () => {
  test.prop([hostileString, anyTime], fuzz(300))('for any log message text and any log time', (message, at) => {
    expectNormalized(fromSmsStatusLog(message, at));
  });

  test.prop([mutatedRecord, anyTime], fuzz(300))('for a real status record with any one value replaced', (message, at) => {
    expectNormalized(fromSmsStatusLog(message, at));
  });

  test.prop([fc.constantFrom(...FIXTURES), fc.constantFrom(8.64e15 + 1, 1e300, -1e300)], fuzz(9))(
    'for a record without its own time, logged at a time no Date can hold',
    (fixture, at) => {
      const record = JSON.parse(smsFixture(fixture)) as { notification: { timestamp?: string } };
      delete record.notification.timestamp;
      expect(fromSmsStatusLog(JSON.stringify(record), at)).toEqual({ ok: false, reason: 'SMS status record without a readable timestamp', path: 'notification.timestamp' });
    },
  );

  test.prop([fc.constantFrom(5_000, 100_000), fc.constantFrom('object', 'array' as const)], fuzz(4))('for a log message nested thousands deep', (depth, kind) => {
    expectNormalized(fromSmsStatusLog(nestedJsonText(depth, kind)));
  });
});

describe('CloudWatch Logs payload reader never throws and stays bounded', () => {
  test.prop([hostileString], fuzz(200))('for any awslogs.data text', (data) => {
    expectReading(decodeLogsEvent({ awslogs: { data } }));
  });

  test.prop([hostileJson], fuzz(100))('for the gzip of any JSON value', (value) => {
    expectReading(decodeLogsEvent(gzipped(stringifyJson(value) ?? 'null')));
    expectReading(decodeLogsEvent(gzipped(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: value }))));
    expectReading(decodeLogsEvent(gzipped(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: [value, null, 7] }))));
  });

  test.prop([fc.array(fc.oneof(hostileString, mutatedRecord), { maxLength: 20 })], fuzz(60))('for a batch of any log messages, through the handler’s reader', (messages) => {
    const results = normalizeFeedbackInput(awslogsEvent(messages));
    expect(results).toHaveLength(messages.length);
    results.forEach(expectNormalized);
  });

  test.prop([hostileJson], fuzz(200))('for any invocation payload', (event) => {
    normalizeFeedbackInput(event).forEach(expectNormalized);
    normalizeFeedbackInput({ awslogs: { data: event } }).forEach(expectNormalized);
    normalizeFeedbackInput({ source: 'aws.ses', detail: event }).forEach(expectNormalized);
    normalizeFeedbackInput({ source: SMS_STATUS_EVENT_SOURCE, detail: event }).forEach(expectNormalized);
    normalizeFeedbackInput({ source: SMS_STATUS_EVENT_SOURCE, detail: { record: event, loggedAt: 0 } }).forEach(expectNormalized);
  });

  test.prop([fc.array(fc.oneof(hostileString, mutatedRecord), { maxLength: 20 })], fuzz(60))('for a batch of any log messages, through the fan-out and back', (messages) => {
    const { entries, skipped } = statusEntriesOf(awslogsEvent(messages));
    expect(entries.length + skipped.length).toBe(messages.length);
    for (const entry of entries) normalizeFeedbackInput({ source: entry.Source, detail: JSON.parse(entry.Detail) as unknown }).forEach(expectNormalized);
  });

  it('refuses a small gzip that would inflate past the limit', () => {
    const bomb = { awslogs: { data: gzipSync(Buffer.alloc(2 * MAX_LOGS_PAYLOAD_BYTES, ' ')).toString('base64') } };
    expect(bomb.awslogs.data.length).toBeLessThan(MAX_LOGS_PAYLOAD_BYTES / 100);
    const reading = decodeLogsEvent(bomb);
    expect(reading.entries).toEqual([]);
    expect(reading.problems.map((p) => p.path)).toEqual(['awslogs.data']);
    expectReading(reading);
  });
});
