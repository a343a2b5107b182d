import type { Channel, DeliveryRecord } from '../../core/model.js';

/**
 * The likely cause of a smoke check that did not pass, read from the codes the orchestrator
 * records (`attempts[].error.code`, `lastRetry.code`, the exclusion reason) and from the status,
 * never from a provider's message text. docs/cli.md lists them.
 */
const CAUSE_BY_CODE: Record<string, string> = {
  EMAIL_REJECTED: 'SES refused the message (MessageRejected): in the SES sandbox only verified addresses receive mail; verify the recipient or request production access',
  EMAIL_SENDER_NOT_VERIFIED: 'the sending identity is not verified in SES (MailFromDomainNotVerified): verify the From domain',
  EMAIL_ACCOUNT_SUSPENDED: 'SES has suspended sending for this account',
  EMAIL_SENDING_PAUSED: 'SES sending is paused for this account or configuration set',
  EMAIL_CONFIGURATION_NOT_FOUND: 'the SES configuration set the stack names does not exist',
  EMAIL_THROTTLED: 'SES throttled the send (sending rate or daily quota)',
  EMAIL_PROVIDER_UNAVAILABLE: 'SES did not answer: the request is being retried',
  EMAIL_NOT_AUTHORIZED: 'the orchestrator may not call SES: check its role',
  SMS_SPEND_LIMIT: 'the account reached its monthly SMS spend limit: raise it (SMS spending quota) or wait for the next month',
  SMS_OPTED_OUT: 'the number replied STOP and is on the opt-out list',
  SMS_INVALID_PARAMETER: 'the number or the sender id was refused as invalid',
  SMS_THROTTLED: 'SMS sending was throttled',
  SMS_PROVIDER_UNAVAILABLE: 'the SMS provider did not answer: the request is being retried',
  SMS_NOT_AUTHORIZED: 'the orchestrator may not publish SMS: check its role',
  PUSH_APPLICATION_NOT_FOUND: 'the push application the stack names does not exist',
  PUSH_NO_LIVE_TOKEN: 'the device token is dead (the app was uninstalled, or the token belongs to another app or platform)',
  PUSH_THROTTLED: 'push sending was throttled',
  PUSH_TEMPORARY_FAILURE: 'the push service could not reach the device: the request is being retried',
  PUSH_PROVIDER_UNAVAILABLE: 'the push service did not answer: the request is being retried',
  PUSH_NOT_AUTHORIZED: 'the orchestrator may not send push: check its role and the push application',
  CHANNEL_NOT_CONFIGURED: 'the channel is off in this stack (for push: no push application id is configured)',
  RENDER_FAILED: 'the template did not render for this customer',
};

const CAUSE_BY_EXCLUSION: Record<string, string> = {
  NO_CONSENT: 'SUPPRESSED: no consent for the channel',
  OPTED_OUT: 'SUPPRESSED: the customer opted out of the channel',
  NO_ADDRESS: 'SUPPRESSED: the customer record has no address for the channel',
  ADDRESS_SUPPRESSED: 'SUPPRESSED: the address is suppressed (an earlier bounce, complaint, opt-out or dead token)',
  QUIET_HOURS: 'held back by quiet hours',
  FREQUENCY_CAP: 'SUPPRESSED: the frequency cap for the channel is reached',
  NOT_IN_TEMPLATE: 'the template has no content for the channel',
  NOT_ALLOWED: 'the channel is not allowed for this request',
  SEND_WINDOW: "held back by the template's send window",
};

/** What a check saw last: the record (if any) and, for in-app, whether the inbox holds the item. */
export interface SmokeObservation {
  channel: Channel;
  record?: DeliveryRecord;
  inboxItem?: boolean;
}

export function likelyCause(seen: SmokeObservation): string {
  const { record, channel } = seen;
  if (!record) return 'nothing happened: no delivery record was written, so the request queue has no running consumer (orchestrator) or the queue is another stack’s';
  const code = lastErrorCode(record, channel);
  if (code && CAUSE_BY_CODE[code]) return `${CAUSE_BY_CODE[code]} (${code})`;
  const excluded = record.decision?.excluded.find((e) => e.channel === channel);
  if (excluded && ['SUPPRESSED', 'DEFERRED', 'FAILED'].includes(record.status)) return `${CAUSE_BY_EXCLUSION[excluded.reason] ?? excluded.reason} (${excluded.reason})`;
  if (code) return `the provider refused it (${code})`;
  if (record.status === 'ACCEPTED') return 'picked up but not decided in time: the orchestrator may be failing or retrying (see its logs)';
  if (record.status === 'SENT' && channel === 'email')
    return 'sent, but no delivery event came back: check the SES configuration set’s event destination and the feedback function';
  if (channel === 'in_app' && seen.inboxItem === false) return 'sent, but the inbox has no item for it: check the inbox table the stack names';
  if (record.status === 'REJECTED') return `REJECTED: ${record.problems?.map((p) => `${p.path} ${p.message}`).join('; ') ?? 'the request was refused'}`;
  return `ended ${record.status}`;
}

/** The newest error code for this channel: the last attempt's, else the retry the record waits on. */
function lastErrorCode(record: DeliveryRecord, channel: Channel): string | undefined {
  const attempts = record.attempts.filter((a) => a.channel === channel && a.error);
  return attempts[attempts.length - 1]?.error?.code ?? record.lastRetry?.code;
}
