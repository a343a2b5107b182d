import * as z from 'zod';
import { canonicalInstant } from '../instant.js';
import { type Problem, SURFACES } from '../model.js';
import { isWellFormed, problemsOf } from '../problem-bounds.js';
import { prefixed } from './profile-input.js';

/**
 * A time from another system's clock may run a little ahead of ours; further ahead, it would
 * outrank every later observation (or consent change) until that time comes, so it is refused.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-24T18:00:00Z' });

/**
 * `PATCH /customers/{customerId}/context`: the customer's current moment as another system
 * observed it. Fields present replace the stored ones, `null` clears one, absent ones stay;
 * `observedAt` is required, and an observation older than the stored one changes nothing.
 */
export const contextInputSchema = z.strictObject({
  surface: z.enum(SURFACES).nullable().optional(),
  storeId: z.string().min(1).max(128).refine(isWellFormed, 'must be well-formed Unicode text').nullable().optional(),
  sessionActiveUntil: isoInstant.nullable().optional(),
  observedAt: isoInstant,
});

/** A validated observation: times canonical, `null` meaning "clear this field". */
export type ContextPatch = z.output<typeof contextInputSchema>;

/** The fields an observation sets or clears; `observedAt` orders the observations themselves. */
export const OBSERVED_CONTEXT_FIELDS = contextInputSchema.keyof().exclude(['observedAt']).options;

export type ContextInputResult = { ok: true; patch: ContextPatch } | { ok: false; problems: Problem[] };

export function parseContextInput(body: unknown, now: Date): ContextInputResult {
  const parsed = contextInputSchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: prefixed(problemsOf(parsed.error)) };
  const { surface, storeId, sessionActiveUntil, observedAt } = parsed.data;
  const observed = canonicalInstant(observedAt) as string;
  if (Date.parse(observed) > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return { ok: false, problems: [{ path: 'body.observedAt', message: 'is in the future; an observation is of a moment that has happened' }] };
  }
  return {
    ok: true,
    patch: {
      observedAt: observed,
      ...(surface !== undefined ? { surface } : {}),
      ...(storeId !== undefined ? { storeId } : {}),
      ...(sessionActiveUntil !== undefined ? { sessionActiveUntil: sessionActiveUntil === null ? null : canonicalInstant(sessionActiveUntil) } : {}),
    },
  };
}
