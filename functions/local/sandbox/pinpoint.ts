import { randomUUID } from 'node:crypto';
import type { ProviderFaultKind, PushAddressResult, PushStatus, SandboxState } from './state.js';

export interface JsonAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** `POST /v1/apps/{ApplicationId}/messages`; the SDK sends the MessageRequest as the whole body. */
export const SEND_MESSAGES_PATH = /^\/v1\/apps\/([^/]+)\/messages$/;

const STATUS_CODES: Record<PushStatus, number> = {
  SUCCESSFUL: 200,
  THROTTLED: 429,
  TEMPORARY_FAILURE: 503,
  // What APNs says of a token whose app was uninstalled.
  PERMANENT_FAILURE: 410,
  OPT_OUT: 400,
  UNKNOWN_FAILURE: 500,
};

interface MessageRequest {
  Addresses?: Record<string, { ChannelType?: string }>;
  MessageConfiguration?: Record<string, { Title?: string; Body?: string; Action?: string; Url?: string; Data?: Record<string, string> } | undefined>;
  TraceId?: string;
}

/**
 * Answers Pinpoint `SendMessages` in REST-JSON the way the service does: a MessageResponse whose
 * `Result` has one entry per address. Only raw device-token addresses are supported, which is all
 * Switchboard sends.
 */
export function sendMessages(state: SandboxState, options: { applicationId: string }, applicationId: string, rawBody: string, fault?: ProviderFaultKind): JsonAnswer {
  const requestId = randomUUID();
  if (fault === 'throttle') return error(429, 'TooManyRequestsException', 'Too many requests', requestId);
  if (fault === 'server_error') return error(500, 'InternalServerErrorException', 'Internal server error', requestId);
  if (state.takeThrottle('pinpoint')) return error(429, 'TooManyRequestsException', 'Too many requests', requestId);
  if (applicationId !== options.applicationId) return error(404, 'NotFoundException', `Application ${applicationId} not found`, requestId);
  let request: MessageRequest;
  try {
    request = JSON.parse(rawBody) as MessageRequest;
  } catch {
    return error(400, 'BadRequestException', 'Request body is not valid JSON', requestId);
  }
  const addresses = Object.entries(request.Addresses ?? {});
  if (addresses.length === 0) return error(400, 'BadRequestException', 'Addresses are required', requestId);
  const notification = firstNotification(request);
  if (!notification) return error(400, 'BadRequestException', 'MessageConfiguration needs a push message', requestId);

  // The call succeeds but no device was reached; which transient status follows from the call, so its retries see the same.
  const forced: PushStatus | undefined = fault === 'address_failure' ? (rawBody.length % 2 === 0 ? 'THROTTLED' : 'TEMPORARY_FAILURE') : undefined;
  const results = addresses.map(([token, config]) => resultFor(state, token, config.ChannelType ?? 'APNS', forced));
  state.recordPush({
    at: new Date().toISOString(),
    applicationId,
    ...(request.TraceId ? { traceId: request.TraceId } : {}),
    ...optionalFields(notification),
    results,
  });
  return {
    status: 200,
    headers: { 'x-amzn-requestid': requestId },
    body: {
      ApplicationId: applicationId,
      RequestId: requestId,
      Result: Object.fromEntries(
        results.map((r) => [
          r.token,
          {
            DeliveryStatus: r.status,
            StatusCode: r.statusCode,
            StatusMessage: r.status === 'SUCCESSFUL' ? 'Message sent' : `Sandbox answered ${r.status}`,
            ...(r.messageId ? { MessageId: r.messageId } : {}),
            ...(r.updatedToken ? { UpdatedToken: r.updatedToken } : {}),
          },
        ]),
      ),
    },
  };
}

function resultFor(state: SandboxState, token: string, channelType: string, forced?: PushStatus): PushAddressResult {
  const status = forced ?? state.faults.pushTokens[token] ?? 'SUCCESSFUL';
  const renewed = state.faults.renewedTokens[token];
  return {
    token,
    channelType,
    status,
    statusCode: STATUS_CODES[status],
    ...(status === 'SUCCESSFUL' ? { messageId: randomUUID() } : {}),
    ...(renewed && status === 'SUCCESSFUL' ? { updatedToken: renewed } : {}),
  };
}

/** Switchboard sends the same notification for APNs and FCM; any one of them describes it. */
function firstNotification(request: MessageRequest) {
  const config = request.MessageConfiguration ?? {};
  return config.APNSMessage ?? config.GCMMessage ?? config.DefaultPushNotificationMessage ?? config.BaiduMessage;
}

function optionalFields(n: NonNullable<ReturnType<typeof firstNotification>>) {
  return {
    ...(n.Title !== undefined ? { title: n.Title } : {}),
    ...(n.Body !== undefined ? { body: n.Body } : {}),
    ...(n.Action !== undefined ? { action: n.Action } : {}),
    ...(n.Url !== undefined ? { url: n.Url } : {}),
    ...(n.Data !== undefined ? { data: n.Data } : {}),
  };
}

/** REST-JSON errors: the SDK reads the error name from `x-amzn-ErrorType`. */
function error(status: number, type: string, message: string, requestId: string): JsonAnswer {
  return { status, headers: { 'x-amzn-ErrorType': type, 'x-amzn-requestid': requestId }, body: { Message: message, RequestID: requestId } };
}
