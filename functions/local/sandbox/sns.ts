import { randomUUID } from 'node:crypto';
import type { ProviderFaultKind, SandboxState } from './state.js';

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const E164 = /^\+[1-9]\d{6,14}$/;

export interface XmlAnswer {
  status: number;
  body: string;
}

/**
 * Answers the two SNS actions Switchboard uses, in the AWS Query protocol: a form-encoded body
 * with `Action=…`, answered with XML in the SNS namespace (the SDK parses nothing else).
 */
export function snsAction(state: SandboxState, form: URLSearchParams, fault?: ProviderFaultKind): XmlAnswer {
  const requestId = randomUUID();
  const action = form.get('Action');
  if (state.takeThrottle('sns')) return error(429, 'Throttled', 'Rate exceeded', requestId);
  if (fault === 'throttle') return error(400, 'Throttling', 'Rate exceeded', requestId);
  if (fault === 'server_error') return error(500, 'InternalError', 'Internal service error', requestId, 'Receiver');
  switch (action) {
    case 'Publish':
      return publish(state, form, requestId);
    case 'CheckIfPhoneNumberIsOptedOut':
      return checkOptedOut(state, form, requestId);
    default:
      return error(400, 'InvalidAction', `The sandbox does not implement ${action ?? 'a missing action'}`, requestId);
  }
}

function publish(state: SandboxState, form: URLSearchParams, requestId: string): XmlAnswer {
  const phoneNumber = form.get('PhoneNumber');
  const message = form.get('Message');
  if (!phoneNumber) return error(400, 'InvalidParameter', 'Invalid parameter: the sandbox only publishes to PhoneNumber', requestId);
  if (!E164.test(phoneNumber)) return error(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: not in E.164 format', requestId);
  if (!message) return error(400, 'InvalidParameter', 'Invalid parameter: Empty message', requestId);
  const refusal = state.faults.smsErrors[phoneNumber];
  if (refusal) return error(400, refusal, 'The sandbox was told to refuse texts to this number', requestId);
  const attributes = messageAttributes(form);
  const optedOut = state.faults.optedOutNumbers.includes(phoneNumber);
  const messageId = randomUUID();
  state.recordSms({
    messageId,
    at: new Date().toISOString(),
    phoneNumber,
    message,
    ...optional('smsType', attributes['AWS.SNS.SMS.SMSType']),
    ...optional('senderId', attributes['AWS.SNS.SMS.SenderID']),
    // Publishing to an opted-out number succeeds; the delivery status log reports the failure.
    status: optedOut ? 'FAILURE' : 'SUCCESS',
    providerResponse: optedOut ? 'Phone is currently opted out' : 'Message has been accepted by phone carrier',
  });
  return ok('Publish', `<MessageId>${messageId}</MessageId>`, requestId);
}

function checkOptedOut(state: SandboxState, form: URLSearchParams, requestId: string): XmlAnswer {
  const phoneNumber = form.get('phoneNumber');
  if (!phoneNumber) return error(400, 'InvalidParameter', 'Invalid parameter: phoneNumber', requestId);
  const optedOut = state.faults.optedOutNumbers.includes(phoneNumber);
  return ok('CheckIfPhoneNumberIsOptedOut', `<isOptedOut>${optedOut}</isOptedOut>`, requestId);
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue`, flattened to name → string value. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    const value = form.get(`MessageAttributes.entry.${n}.Value.StringValue`);
    if (value !== null) attributes[name] = value;
  }
  return attributes;
}

function ok(action: string, result: string, requestId: string): XmlAnswer {
  return {
    status: 200,
    body:
      `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function error(status: number, code: string, message: string, requestId: string, type: 'Sender' | 'Receiver' = 'Sender'): XmlAnswer {
  return {
    status,
    body:
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
