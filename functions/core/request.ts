import * as z from 'zod';
import { checkJsonLimits } from './json-limits.js';
import { CATEGORIES, CHANNELS, PRIORITIES, type Problem, STRATEGIES, SURFACES } from './model.js';
import { clipText, isWellFormed, problemsOf } from './problem-bounds.js';
import { EVERY_TOPIC, MAX_TOPIC_LENGTH } from './topics.js';
import { EVERY_TOPIC_PROBLEM } from './message-class.js';
import { durationTextSchema } from './timing/duration.js';
import { sendAtSchema } from './timing/send-at.js';

export { MAX_FIELD_NAME, MAX_LISTED_FIELDS, MAX_PROBLEM_TEXT, MAX_PROBLEMS } from './problem-bounds.js';

export const MAX_DATA_BYTES = 32 * 1024;
/**
 * Nesting levels of `data`, itself the first: DynamoDB's own limit for a document, and far past
 * what template variables need, while a value thousands deep would overflow any recursive walk.
 */
export const MAX_DEPTH = 32;
/**
 * A valid request is a little over MAX_DATA_BYTES; a body this large is refused without parsing,
 * so no amount of text costs more than a length check.
 */
export const MAX_BODY_BYTES = 256 * 1024;

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-24T18:00:00Z' });

/**
 * The moment as the request describes it; it overrides the stored context field by field. The
 * one list of context fields: the types, what templates may read and their sample data follow it.
 */
export const requestContextSchema = z.strictObject({
  surface: z.enum(SURFACES).optional(),
  storeId: z.string().min(1).max(128).optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 locale such as de or de-AT')
    .optional(),
  sessionActive: z.boolean().optional(),
  observedAt: isoInstant.optional(),
});

export type RequestContext = z.output<typeof requestContextSchema>;

/** The send request, contract version 1. Unknown fields are problems, not noise. */
export const sendRequestSchema = z.strictObject({
  requestId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'may only contain letters, digits and . _ : -'),
  // A partition key of the delivery index: a lone surrogate has no UTF-8 form to store.
  customerId: z.string().min(1).max(256).refine(isWellFormed, 'must be well-formed Unicode text'),
  template: z.string().min(1).max(128),
  category: z.enum(CATEGORIES).optional(),
  // The registry is checked at admission; "*" is refused here already, so no queue accepts it.
  topic: z
    .string()
    .min(1)
    .max(MAX_TOPIC_LENGTH)
    .refine((topic) => topic !== EVERY_TOPIC, EVERY_TOPIC_PROBLEM)
    .optional(),
  channels: z
    .array(z.enum(CHANNELS))
    .min(1, 'must name at least one channel when present')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a channel')
    .optional(),
  strategy: z.enum(STRATEGIES).default('failover'),
  priority: z.enum(PRIORITIES).default('normal'),
  // A record's values are not walked by zod; the limits are checked without recursion.
  data: z
    .record(z.string(), z.unknown())
    .superRefine((data, ctx) => {
      const breach = checkJsonLimits(data, { maxDepth: MAX_DEPTH, maxBytes: MAX_DATA_BYTES });
      if (breach) ctx.addIssue({ code: 'custom', message: breach.message, path: breach.path });
    })
    .default({}),
  context: requestContextSchema.default({}),
  expiresAt: isoInstant.optional(),
  createdAt: isoInstant.optional(),
  /** Not before then: an instant, or `{ "localTime": "09:00" }` on the customer's clock (its next occurrence). */
  sendAt: sendAtSchema.optional(),
  /** Under strategy `escalate`: how long a step may go unengaged before the next channel; else the template's, else 30 minutes. */
  escalateAfter: durationTextSchema.optional(),
});

export type SendRequest = z.output<typeof sendRequestSchema>;
export type SendRequestInput = z.input<typeof sendRequestSchema>;

export type ParseResult = { ok: true; request: SendRequest } | { ok: false; problems: Problem[]; requestId?: string; customerId?: string };

/** A valid request id: the idempotency key and the delivery record's key. */
export function isRequestId(value: unknown): value is string {
  return sendRequestSchema.shape.requestId.safeParse(value).success;
}

/** A valid customer id: safe as a key of the customers table and of the delivery index. */
export function isCustomerId(value: unknown): value is string {
  return sendRequestSchema.shape.customerId.safeParse(value).success;
}

/**
 * Parses a raw body (string or value) and reports every problem at once, each with its path, in a
 * list of bounded size. Never throws: hostile input is rejected, not crashed on.
 */
export function parseSendRequest(raw: unknown): ParseResult {
  try {
    return parse(raw);
  } catch {
    // Only a value built in code gets here (a getter that throws, a proxy): JSON cannot.
    return { ok: false, problems: [{ path: '', message: 'body could not be read as a send request' }] };
  }
}

function parse(raw: unknown): ParseResult {
  const body = typeof raw === 'string' ? readJson(raw) : { value: raw };
  if ('problem' in body) return { ok: false, problems: [body.problem] };
  const parsed = sendRequestSchema.safeParse(body.value);
  if (parsed.success) return { ok: true, request: parsed.data };
  return { ok: false, problems: problemsOf(parsed.error), ...salvageIdentity(body.value) };
}

function readJson(text: string): { value: unknown } | { problem: Problem } {
  if (text.length > MAX_BODY_BYTES || Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    return { problem: { path: '', message: `body is larger than ${MAX_BODY_BYTES} bytes` } };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: { path: '', message: clipText(`body is not valid JSON: ${(error as Error).message}`) } };
  }
}

/** A broken request still deserves a record under its own id when the ids themselves are valid keys. */
function salvageIdentity(value: unknown): { requestId?: string; customerId?: string } {
  if (typeof value !== 'object' || value === null) return {};
  const { requestId, customerId } = value as Record<string, unknown>;
  return { ...(isRequestId(requestId) ? { requestId } : {}), ...(isCustomerId(customerId) ? { customerId } : {}) };
}
