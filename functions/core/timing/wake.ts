import * as z from 'zod';
import { sendRequestSchema } from '../request.js';

/**
 * Why a request is woken: a deferral reaching its time (the request is decided again from the
 * customer's record then), or an escalation step coming due (the next channel, unless engaged).
 */
export const WAKE_KINDS = ['deferral', 'escalation'] as const;
export type WakeKind = (typeof WAKE_KINDS)[number];

/**
 * The message a scheduler puts on the requests queue when a wake comes due. It names the request
 * and the one wake it stands for; the request itself waits on its delivery record, so a schedule
 * holds no personal data. `token` makes a stale or repeated wake harmless: only the wake the
 * record still expects can claim it.
 */
export const wakeMessageSchema = z.strictObject({
  wake: z.strictObject({
    requestId: sendRequestSchema.shape.requestId,
    token: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[A-Za-z0-9-]+$/, 'may only contain letters, digits and -'),
    kind: z.enum(WAKE_KINDS),
  }),
});
export type WakeMessage = z.output<typeof wakeMessageSchema>;
export type WakeTarget = WakeMessage['wake'];

/** A wake to arrange: the queue gets `{ wake: target }` at `due`, never before. */
export interface Wake extends WakeTarget {
  due: Date;
}

/** The token of a request's n-th wake (1-based): unique per request, readable in a schedule's name. */
export function wakeToken(kind: WakeKind, ordinal: number): string {
  return `${kind === 'deferral' ? 'd' : 'e'}${ordinal}`;
}

/** A wake is a JSON object whose first field is `wake`; a send request may not have that field at all. */
const WAKE_TEXT = /^\s*\{\s*"wake"\s*:/;
/** A wake is a few hundred bytes; anything far longer is not one and is not parsed twice. */
const MAX_WAKE_TEXT = 2048;

/**
 * The body of a queue message when it is a wake rather than a send request; undefined otherwise.
 * Text is looked at before it is parsed, so a send request costs no second parse.
 */
export function wakeBodyOf(body: unknown): object | undefined {
  if (typeof body === 'string') {
    if (body.length > MAX_WAKE_TEXT || !WAKE_TEXT.test(body)) return undefined;
    try {
      return wakeBodyOf(JSON.parse(body) as unknown);
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'wake' in body ? body : undefined;
}
