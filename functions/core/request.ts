import * as z from 'zod';
import { CATEGORIES, CHANNELS, type Problem, STRATEGIES, SURFACES } from './model.js';

export const MAX_DATA_BYTES = 32 * 1024;
const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-24T18:00:00Z' });

const requestContextSchema = z.strictObject({
  surface: z.enum(SURFACES).optional(),
  storeId: z.string().min(1).max(128).optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 locale such as de or de-AT')
    .optional(),
  sessionActive: z.boolean().optional(),
  observedAt: isoInstant.optional(),
});

/** The send request, contract version 1 (DESIGN.md). Unknown fields are problems, not noise. */
export const sendRequestSchema = z.strictObject({
  requestId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'may only contain letters, digits and . _ : -'),
  customerId: z.string().min(1).max(256),
  template: z.string().min(1).max(128),
  category: z.enum(CATEGORIES).optional(),
  topic: z.string().min(1).max(128).optional(),
  channels: z
    .array(z.enum(CHANNELS))
    .min(1, 'must name at least one channel when present')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a channel')
    .optional(),
  strategy: z.enum(STRATEGIES).default('failover'),
  priority: z.enum(['high', 'normal']).default('normal'),
  data: z
    .record(z.string(), z.unknown())
    .refine(
      (data) => Buffer.byteLength(JSON.stringify(data), 'utf8') <= MAX_DATA_BYTES,
      `must be at most ${MAX_DATA_BYTES} bytes as JSON`,
    )
    .default({}),
  context: requestContextSchema.default({}),
  expiresAt: isoInstant.optional(),
  createdAt: isoInstant.optional(),
});

export type SendRequest = z.output<typeof sendRequestSchema>;
export type SendRequestInput = z.input<typeof sendRequestSchema>;

export type ParseResult =
  | { ok: true; request: SendRequest }
  | { ok: false; problems: Problem[]; requestId?: string; customerId?: string };

/** Parses a raw body (string or value) and reports every problem at once, each with its path. */
export function parseSendRequest(raw: unknown): ParseResult {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, problems: [{ path: '', message: `body is not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const parsed = sendRequestSchema.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  return { ok: false, problems, ...salvageIdentity(value) };
}

/** A broken request still deserves a record under its own id when the id itself is valid. */
function salvageIdentity(value: unknown): { requestId?: string; customerId?: string } {
  if (typeof value !== 'object' || value === null) return {};
  const { requestId, customerId } = value as Record<string, unknown>;
  const idOk = sendRequestSchema.shape.requestId.safeParse(requestId).success;
  return {
    ...(idOk ? { requestId: requestId as string } : {}),
    ...(typeof customerId === 'string' && customerId.length > 0 ? { customerId } : {}),
  };
}
