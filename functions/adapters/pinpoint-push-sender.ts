import { type AddressConfiguration, type MessageResult, type PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import type { AddressChange, ChannelSender, OutboundMessage, SendResult } from '../core/ports.js';
import { NOT_AUTHORIZED_CODES } from '../definitions/metrics.js';
import { isAuthorizationError } from './aws-authorization.js';
import { describeAwsError, safeMessage } from './aws-errors.js';

export interface PinpointPushSenderOptions {
  applicationId: string;
  /** URLs in this scheme (e.g. `shop`) open inside the app (DEEP_LINK); others open the browser (URL). */
  deepLinkScheme?: string;
}

const SENT = new Set(['SUCCESSFUL', 'DUPLICATE']);
const RETRYABLE = new Set(['THROTTLED', 'TEMPORARY_FAILURE', 'UNKNOWN_FAILURE']);
/**
 * OPT_OUT means the device turned notifications off for the app: the token cannot reach anyone
 * until the app registers again, which brings a fresh token, so it is retired like a dead one.
 */
const DEAD = new Set(['PERMANENT_FAILURE', 'OPT_OUT']);

const PERMANENT_CODES: Record<string, string> = {
  BadRequestException: 'PUSH_BAD_REQUEST',
  // Pinpoint's own 403: the role or the application refuses us, a deployment fault like AccessDenied.
  ForbiddenException: NOT_AUTHORIZED_CODES.push,
  NotFoundException: 'PUSH_APPLICATION_NOT_FOUND',
  PayloadTooLargeException: 'PUSH_PAYLOAD_TOO_LARGE',
};

/**
 * Push through the Pinpoint `SendMessages` API (kept under AWS End User Messaging) to the raw
 * device tokens we store ourselves. There is no push event stream, so the synchronous
 * per-address result is all we learn: it becomes the outcome and the token changes.
 */
export class PinpointPushSender implements ChannelSender<'push'> {
  readonly channel = 'push' as const;

  constructor(
    private readonly client: PinpointClient,
    private readonly options: PinpointPushSenderOptions,
  ) {}

  async send(message: OutboundMessage<'push'>): Promise<SendResult> {
    const tokens = message.tokens.filter((t) => t.status !== 'suppressed');
    if (tokens.length === 0) return { outcome: 'FAILED_PERMANENT', code: 'PUSH_NO_LIVE_TOKEN', message: 'no active push token' };
    const addresses: Record<string, AddressConfiguration> = Object.fromEntries(tokens.map((t) => [t.token, { ChannelType: t.platform }]));
    const { title, body, url } = message.content;
    const action = url ? { Action: this.actionFor(url), Url: url } : { Action: 'OPEN_APP' as const };
    const notification = { Title: title, Body: body, ...action, Data: { requestId: message.requestId } };
    let results: Record<string, MessageResult>;
    try {
      const output = await this.client.send(
        new SendMessagesCommand({
          ApplicationId: this.options.applicationId,
          MessageRequest: {
            Addresses: addresses,
            MessageConfiguration: { APNSMessage: notification, GCMMessage: notification },
            TraceId: message.requestId,
          },
        }),
      );
      results = output.MessageResponse?.Result ?? {};
    } catch (error) {
      return failure(error);
    }
    return summarize(
      tokens.map((t) => t.token),
      results,
    );
  }

  private actionFor(url: string): 'DEEP_LINK' | 'URL' {
    const scheme = this.options.deepLinkScheme;
    return scheme && url.toLowerCase().startsWith(`${scheme.toLowerCase()}:`) ? 'DEEP_LINK' : 'URL';
  }
}

/** SENT if any device got it; otherwise retryable if any failure was transient; otherwise permanent. */
function summarize(tokens: string[], results: Record<string, MessageResult>): SendResult {
  const addressChanges: AddressChange[] = [];
  const counts = new Map<string, number>();
  let messageId: string | undefined;
  let sent = false;
  let retryable = false;
  let throttled = false;
  for (const token of tokens) {
    const result = results[token];
    // An address missing from the answer was never confirmed either way: try again later.
    const status = result?.DeliveryStatus ?? 'UNKNOWN_FAILURE';
    counts.set(status, (counts.get(status) ?? 0) + 1);
    if (SENT.has(status)) {
      sent = true;
      messageId ??= result?.MessageId;
    } else if (RETRYABLE.has(status)) {
      retryable = true;
      throttled ||= status === 'THROTTLED';
    } else if (DEAD.has(status)) {
      addressChanges.push({ channel: 'push', token, kind: 'token_dead' });
    }
    if (result?.UpdatedToken && result.UpdatedToken !== token && !DEAD.has(status)) {
      addressChanges.push({ channel: 'push', token, kind: 'token_renewed', newToken: result.UpdatedToken });
    }
  }
  const changes = addressChanges.length > 0 ? { addressChanges } : {};
  // Statuses only: provider messages can quote the token.
  const detail = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  if (sent) return { outcome: 'SENT', ...(messageId ? { providerMessageId: messageId } : {}), ...changes };
  if (retryable) return { outcome: 'FAILED_RETRYABLE', code: throttled ? 'PUSH_THROTTLED' : 'PUSH_TEMPORARY_FAILURE', message: detail, ...changes };
  return { outcome: 'FAILED_PERMANENT', code: 'PUSH_NO_LIVE_TOKEN', message: detail, ...changes };
}

function failure(error: unknown): SendResult {
  const facts = describeAwsError(error);
  if (isAuthorizationError(facts.name)) return { outcome: 'FAILED_PERMANENT', code: NOT_AUTHORIZED_CODES.push, message: safeMessage(facts) };
  const permanent = PERMANENT_CODES[facts.name];
  if (permanent) return { outcome: 'FAILED_PERMANENT', code: permanent, message: safeMessage(facts) };
  if (facts.retryable) {
    const throttled = facts.name === 'TooManyRequestsException' || facts.httpStatus === 429;
    return { outcome: 'FAILED_RETRYABLE', code: throttled ? 'PUSH_THROTTLED' : 'PUSH_PROVIDER_UNAVAILABLE', message: safeMessage(facts) };
  }
  return { outcome: 'FAILED_PERMANENT', code: 'PUSH_FAILED', message: safeMessage(facts) };
}
