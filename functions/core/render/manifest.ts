import * as z from 'zod';
import { CATEGORIES, CHANNELS } from '../model.js';
import { requestContextSchema } from '../request.js';
import { MAX_TOPIC_LENGTH } from '../topics.js';
import { durationTextSchema } from '../timing/duration.js';
import { sendWindowSchema } from '../timing/windows.js';

export const DEFAULT_SMS_MAX_SEGMENTS = 3;

/** What a template may read from `context`: the fields of EffectiveContext. */
export const CONTEXT_FIELDS = requestContextSchema.keyof().options;

const variablePath = z
  .string()
  .regex(/^(customer|data|context)(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'must be a dotted path under customer, data or context, e.g. data.item')
  .refine((path) => !path.startsWith('context.') || (CONTEXT_FIELDS as readonly string[]).includes(path.split('.')[1] ?? ''), `context has only ${CONTEXT_FIELDS.join(', ')}`);

/** `template.json` exactly as templates/README.md describes it; unknown fields are problems, not noise. */
export const templateManifestSchema = z.strictObject({
  id: z
    .string()
    .max(128)
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens, e.g. cart-reminder'),
  description: z.string().min(1, 'must say what the template is for'),
  category: z.enum(CATEGORIES),
  topic: z.string().min(1).max(MAX_TOPIC_LENGTH),
  channels: z
    .array(z.enum(CHANNELS))
    .min(1, 'must list at least one channel')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a channel'),
  /** Dotted paths the template needs, e.g. `data.item` or `customer.firstName`. */
  variables: z.array(variablePath).refine((list) => new Set(list).size === list.length, 'must not repeat a variable'),
  sampleData: z.strictObject({
    data: z.record(z.string(), z.unknown()).optional(),
    customer: z.record(z.string(), z.unknown()).optional(),
    // Local mode sends the sample as a request, so its context is checked as a request's is.
    context: requestContextSchema.optional(),
  }),
  limits: z.strictObject({ smsMaxSegments: z.int().min(1).max(10).optional() }).optional(),
  /** Hours of the customer's day the message may arrive in, e.g. not before 08:00, not after 20:00. */
  sendWindow: sendWindowSchema.optional(),
  /** Under strategy `escalate`, unless the request says otherwise: how long a step may go unengaged. */
  escalateAfter: durationTextSchema.optional(),
});

/** `template.json`, exactly as marketers write it (templates/README.md). */
export type TemplateManifest = z.output<typeof templateManifestSchema>;

export type ManifestParse = { ok: true; manifest: TemplateManifest } | { ok: false; problems: { path: string; message: string }[] };

export function parseManifest(value: unknown): ManifestParse {
  const parsed = templateManifestSchema.safeParse(value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}
