import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SmsStatusRecord } from '../sandbox/state.js';

const ACCOUNT = '000000000000';

/**
 * What a CloudWatch Logs subscription filter hands the function it invokes (the account's fan-out,
 * or the feedback Lambda of a stage deployed before it) for SNS SMS delivery status logs: base64
 * of gzipped JSON, one log event per status record. SNS writes successes and failures to separate
 * log groups.
 */
export function smsStatusLogsEvent(records: readonly SmsStatusRecord[], region: string): { awslogs: { data: string } } {
  const failure = records.some((record) => record.status === 'FAILURE');
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT,
    logGroup: `sns/${region}/${ACCOUNT}/DirectPublishToPhoneNumber${failure ? '/Failure' : ''}`,
    logStream: randomUUID(),
    subscriptionFilters: ['switchboard-sms-status'],
    logEvents: records.map((record) => ({
      id: randomUUID().replace(/-/g, ''),
      timestamp: Date.parse(`${record.notification.timestamp.replace(' ', 'T')}Z`),
      message: JSON.stringify(record),
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64') } };
}
