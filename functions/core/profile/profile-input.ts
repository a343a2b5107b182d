import * as z from 'zod';
import { CHANNELS, E164, type Problem, PUSH_PLATFORMS } from '../model.js';
import { isWellFormed, problemsOf } from '../problem-bounds.js';
import { storableBreach } from './storable.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;
const MAX_ATTRIBUTES_DEPTH = 16;
export const MAX_PUSH_TOKENS = 10;

const text = (max: number) => z.string().min(1).max(max).refine(isWellFormed, 'must be well-formed Unicode text');

const locale = z.string().max(35).refine(isLocale, 'must be a BCP 47 locale such as de or de-AT');

const timeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

const emailAddress = text(254).refine((address) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address), 'must be an email address such as lena@example.com');

/**
 * The profile an upstream system writes with `PUT /customers/{customerId}`: everything it owns.
 * Strict at every level, so a misspelt field is a problem rather than silently dropped. What
 * Switchboard learns by itself (address status, consent, engagement, the current context) is
 * not part of it: the store keeps those across a replace (see `profileWrite`). Who writes which
 * field of the record: docs/customer-record.md.
 */
export const profileInputSchema = z.strictObject({
  /** Optional, for a body copied from a GET: it must then name the customer of the path. */
  customerId: z.string().optional(),
  locale: locale.optional(),
  timeZone: timeZone.optional(),
  attributes: z
    .record(z.string(), z.unknown())
    .superRefine((attributes, ctx) => {
      const breach = storableBreach(attributes, { maxDepth: MAX_ATTRIBUTES_DEPTH, maxBytes: MAX_ATTRIBUTES_BYTES });
      if (breach) ctx.addIssue({ code: 'custom', message: breach.message, path: breach.path });
    })
    .optional(),
  email: z.strictObject({ address: emailAddress }).optional(),
  phone: z.strictObject({ number: z.string().regex(E164, 'must be an E.164 number such as +4915112345678') }).optional(),
  push: z
    .array(z.strictObject({ token: text(4096), platform: z.enum(PUSH_PLATFORMS) }))
    .max(MAX_PUSH_TOKENS)
    .refine((tokens) => new Set(tokens.map((t) => t.token)).size === tokens.length, 'must not list a token twice')
    .optional(),
  inApp: z.strictObject({ enabled: z.boolean() }).optional(),
  preferences: z
    .strictObject({
      preferredChannels: z
        .array(z.enum(CHANNELS))
        .refine((list) => new Set(list).size === list.length, 'must not repeat a channel')
        .optional(),
      quietHours: z.strictObject({ start: z.string().regex(HH_MM, 'must be HH:MM'), end: z.string().regex(HH_MM, 'must be HH:MM') }).optional(),
    })
    .optional(),
});

export type ProfileInput = Omit<z.output<typeof profileInputSchema>, 'customerId'>;

/** The fields a PUT replaces; any of them absent from the body is removed from the record. */
export const PROFILE_FIELDS = profileInputSchema.keyof().exclude(['customerId']).options;

export type ProfileInputResult = { ok: true; profile: ProfileInput } | { ok: false; problems: Problem[] };

export function parseProfileInput(body: unknown, customerId: string): ProfileInputResult {
  const parsed = profileInputSchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: prefixed(problemsOf(parsed.error)) };
  const { customerId: named, ...profile } = parsed.data;
  if (named !== undefined && named !== customerId) return { ok: false, problems: [{ path: 'body.customerId', message: 'must be the customer id of the path, or left out' }] };
  return { ok: true, profile };
}

/** Problems found in the body are reported under `body.`, as every HTTP problem names where it is. */
export function prefixed(problems: Problem[], prefix = 'body'): Problem[] {
  return problems.map((problem) => ({ ...problem, path: problem.path ? `${prefix}.${problem.path}` : prefix }));
}

function isLocale(value: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
