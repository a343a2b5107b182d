import * as z from 'zod';
import { clipText, isWellFormed } from '../problem-bounds.js';
import { isRequestId } from '../request.js';
import { MAX_TOPIC_LENGTH } from '../topics.js';
import { type BounceType, type FeedbackEvent, type FeedbackKind, idPart, ignored, isoTime, MAX_DETAIL, MAX_PROVIDER_ID, type NormalizeResult, shortHash } from './event.js';

/** The header the email sender sets to the exact requestId; tags only carry a sanitised copy. */
export const REQUEST_ID_HEADER = 'X-Switchboard-Request-Id';

const tagList = z.array(z.string());
const mailSchema = z.looseObject({
  messageId: z.string().min(1).max(MAX_PROVIDER_ID).refine(isWellFormed),
  timestamp: z.string(),
  headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  tags: z.record(z.string(), tagList).optional(),
});
const timed = z.looseObject({ timestamp: z.string().optional() });

/** The SES v2 event record, as EventBridge carries it in `detail` (and SNS/Firehose as the body). */
const sesRecordSchema = z.looseObject({
  eventType: z.string(),
  mail: mailSchema,
  bounce: timed.extend({ bounceType: z.string().optional(), bounceSubType: z.string().optional(), feedbackId: z.string().optional() }).optional(),
  complaint: timed.extend({ feedbackId: z.string().optional(), complaintFeedbackType: z.string().optional() }).optional(),
  delivery: timed.optional(),
  reject: z.looseObject({ reason: z.string().optional() }).optional(),
  open: timed.optional(),
  click: timed.extend({ link: z.string().optional() }).optional(),
  failure: z.looseObject({ templateName: z.string().optional() }).optional(),
  deliveryDelay: timed.extend({ delayType: z.string().optional() }).optional(),
  subscription: timed
    .extend({
      source: z.string().optional(),
      newTopicPreferences: z
        .looseObject({
          unsubscribeAll: z.boolean().optional(),
          topicSubscriptionStatus: z.array(z.looseObject({ topicName: z.string(), subscriptionStatus: z.string() })).optional(),
        })
        .optional(),
    })
    .optional(),
});
type SesRecord = z.infer<typeof sesRecordSchema>;

/** SES tag values are at most 256 characters; a longer one is not a tag SES wrote. */
const MAX_TAG_VALUE = 256;
/** An SES contact list has at most 20 topics. */
const MAX_TOPICS = 20;

const eventBridgeSchema = z.looseObject({ source: z.literal('aws.ses'), 'detail-type': z.string(), detail: z.unknown() });

/** An SES event as EventBridge delivers it: `{ source: "aws.ses", "detail-type": "Email …", detail }`. */
export function fromSesEventBridge(input: unknown): NormalizeResult {
  const envelope = eventBridgeSchema.safeParse(input);
  if (!envelope.success) return ignored('not an SES EventBridge event', issuePath(envelope.error));
  const result = fromSesRecord(envelope.data.detail);
  return result.ok ? result : ignored(result.reason, result.path ? `detail.${result.path}` : 'detail');
}

/**
 * One SES event record. `detail.eventType` decides, not the EventBridge detail-type, so the same
 * code reads records that arrive through SNS or Firehose.
 */
export function fromSesRecord(input: unknown): NormalizeResult {
  const parsed = sesRecordSchema.safeParse(input);
  if (!parsed.success) {
    const path = issuePath(parsed.error);
    return ignored(`malformed SES event: ${path || 'record'}`, path);
  }
  const record = parsed.data;
  const specific = readSpecific(record);
  if ('reason' in specific) return ignored(specific.reason, specific.path);
  const at = isoTime(specific.at) ?? isoTime(record.mail.timestamp);
  if (!at) return ignored('SES event without a readable timestamp', 'mail.timestamp');
  const tags = record.mail.tags ?? {};
  const requestId = header(record, REQUEST_ID_HEADER);
  return {
    ok: true,
    event: {
      eventId: `ses:${record.mail.messageId}:${specific.idSuffix}`,
      channel: 'email',
      kind: specific.kind,
      at,
      source: 'ses',
      ...(requestId ? { requestId } : {}),
      ...(specific.detail ? { detail: clipText(specific.detail, MAX_DETAIL) } : {}),
      ...optional('template', firstTag(tags, 'template')),
      ...optional('topic', firstTag(tags, 'topic')),
      correlation: {
        providerMessageId: record.mail.messageId,
        ...optional('sanitizedRequestId', firstTag(tags, 'requestId')),
        ...optional('sanitizedCustomerId', firstTag(tags, 'customerId')),
      },
      ...(specific.extra ?? {}),
    },
  };
}

interface Specific {
  kind: FeedbackKind;
  at?: string;
  idSuffix: string;
  detail?: string;
  extra?: Partial<FeedbackEvent>;
}

type NotHandled = { reason: string; path: string };

function readSpecific(record: SesRecord): Specific | NotHandled {
  switch (record.eventType) {
    case 'Send':
      return { kind: 'sent', idSuffix: 'send', detail: 'SEND' };
    case 'Delivery':
      return { kind: 'delivered', at: record.delivery?.timestamp, idSuffix: 'delivery', detail: 'DELIVERY' };
    case 'Bounce': {
      const bounceType = bounceTypeOf(record.bounce?.bounceType);
      const sub = record.bounce?.bounceSubType;
      return {
        kind: 'bounced',
        at: record.bounce?.timestamp,
        idSuffix: `bounce:${idPart(record.bounce?.feedbackId ?? record.bounce?.timestamp ?? '')}`,
        detail: `BOUNCE ${bounceType}${sub ? `/${sub}` : ''}`,
        extra: { bounceType },
      };
    }
    case 'Complaint': {
      const type = record.complaint?.complaintFeedbackType;
      return {
        kind: 'complained',
        at: record.complaint?.timestamp,
        idSuffix: `complaint:${idPart(record.complaint?.feedbackId ?? record.complaint?.timestamp ?? '')}`,
        detail: `COMPLAINT${type ? ` ${type}` : ''}`,
      };
    }
    case 'Reject':
      return { kind: 'rejected', idSuffix: 'reject', detail: `REJECT${record.reject?.reason ? ` ${record.reject.reason}` : ''}` };
    case 'Open':
      return { kind: 'opened', at: record.open?.timestamp, idSuffix: `open:${idPart(record.open?.timestamp ?? '')}`, detail: 'OPEN' };
    case 'Click': {
      const link = record.click?.link ?? '';
      return {
        kind: 'clicked',
        at: record.click?.timestamp,
        idSuffix: `click:${idPart(record.click?.timestamp ?? '')}:${shortHash(link)}`,
        detail: `CLICK ${linkSummary(link)}`.trim(),
      };
    }
    case 'Rendering Failure':
      return { kind: 'failed', idSuffix: 'rendering-failure', detail: `RENDERING_FAILURE${record.failure?.templateName ? ` ${record.failure.templateName}` : ''}` };
    case 'DeliveryDelay':
      return {
        kind: 'delayed',
        at: record.deliveryDelay?.timestamp,
        idSuffix: `delay:${idPart(record.deliveryDelay?.timestamp ?? '')}`,
        detail: `DELIVERY_DELAY${record.deliveryDelay?.delayType ? ` ${record.deliveryDelay.delayType}` : ''}`,
      };
    case 'Subscription':
      return subscription(record);
    default:
      return { reason: `SES event type ${clipText(record.eventType, 64)} is not handled`, path: 'eventType' };
  }
}

/** Only opt-outs are acted on: re-subscribing belongs to the systems that own consent. */
function subscription(record: SesRecord): Specific | NotHandled {
  const preferences = record.subscription?.newTopicPreferences;
  const all = preferences?.unsubscribeAll === true;
  const optedOut = (preferences?.topicSubscriptionStatus ?? [])
    .filter((t) => t.subscriptionStatus.replace(/_/g, '').toLowerCase() === 'optout')
    .map((t) => t.topicName)
    .filter((topic) => topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH && isWellFormed(topic));
  // Each topic becomes a consent entry on the customer: a flood of them must not bloat the item.
  const topics = [...new Set(optedOut)].slice(0, MAX_TOPICS);
  if (!all && topics.length === 0) return { reason: 'SES subscription event without an opt-out', path: 'subscription.newTopicPreferences' };
  const source = record.subscription?.source ? ` via ${record.subscription.source}` : '';
  return {
    kind: 'unsubscribed',
    at: record.subscription?.timestamp,
    idSuffix: `subscription:${idPart(record.subscription?.timestamp ?? '')}`,
    detail: `SUBSCRIPTION ${all ? 'unsubscribe all' : `opt-out ${topics.join(', ')}`}${source}`,
    extra: { unsubscribe: { topics, all } },
  };
}

function bounceTypeOf(value: string | undefined): BounceType {
  return value === 'Permanent' || value === 'Transient' ? value : 'Undetermined';
}

/** Only a value that can be a request id: anything else did not come from our email sender. */
function header(record: SesRecord, name: string): string | undefined {
  const value = record.mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value.trim();
  return isRequestId(value) ? value : undefined;
}

function firstTag(tags: Record<string, string[]>, name: string): string | undefined {
  const value = Object.hasOwn(tags, name) ? tags[name]?.[0] : undefined;
  return value && value.length <= MAX_TAG_VALUE && isWellFormed(value) ? value : undefined;
}

function issuePath(error: z.ZodError): string {
  return (error.issues[0]?.path ?? []).map(String).join('.');
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** Host and path only: query strings of tracked links may carry personal tokens. */
function linkSummary(link: string): string {
  try {
    const url = new URL(link);
    return `${url.host}${url.pathname}`.slice(0, 120);
  } catch {
    return '';
  }
}
