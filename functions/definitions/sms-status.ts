/**
 * SNS SMS delivery status, as the account stack, the stage stacks and the code share it: the log
 * groups SNS writes to (one pair per account and region, whatever number of stages send SMS), and
 * the event the account stack's fan-out puts on the default bus so that every stage's feedback
 * function receives every status through a rule of its own. Plain data: no SDK and no CDK import.
 * See docs/deploy.md, "Account-level resources".
 */

/** The `source` of every SMS status event; a stage's rule matches on it. */
export const SMS_STATUS_EVENT_SOURCE = 'switchboard.sms-status';

/** The `detail-type` of every SMS status event. */
export const SMS_STATUS_DETAIL_TYPE = 'SNS SMS delivery status';

/** The two log groups SNS writes SMS delivery status to, named by SNS itself. */
export function smsStatusLogGroupNames(region: string, account: string): { success: string; failure: string } {
  const success = `sns/${region}/${account}/DirectPublishToPhoneNumber`;
  return { success, failure: `${success}/Failure` };
}

/** The detail of one SMS status event: one log event of one of the two groups. */
export interface SmsStatusEventDetail {
  /** The status record SNS logged, parsed from the log message. */
  record: Record<string, unknown>;
  /** When CloudWatch Logs received it, in epoch milliseconds: the fallback for a record without a timestamp. */
  loggedAt: number;
  logGroup: string;
  /** CloudWatch Logs' id of the log event, unique within the group. */
  logEventId: string;
}
