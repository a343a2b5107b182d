import type { Customer } from './model.js';
import type { RequestContext } from './request.js';

/** The context fields that always have a value: the locale falls back to a default, the session to the stored context. */
export const RESOLVED_CONTEXT_FIELDS = ['locale', 'sessionActive'] as const satisfies readonly (keyof RequestContext)[];
type ResolvedField = (typeof RESOLVED_CONTEXT_FIELDS)[number];

/** The moment as the decision and the templates see it: request over stored, field by field. */
export type EffectiveContext = Omit<RequestContext, ResolvedField> & Required<Pick<RequestContext, ResolvedField>>;

export const DEFAULT_LOCALE = 'en';

export function effectiveContext(customer: Customer, requested: RequestContext, now: Date): EffectiveContext {
  const stored = customer.context ?? {};
  const storedSessionActive = typeof stored.sessionActiveUntil === 'string' && Date.parse(stored.sessionActiveUntil) > now.getTime();
  const surface = requested.surface ?? stored.surface;
  const storeId = requested.storeId ?? stored.storeId ?? undefined;
  const observedAt = requested.observedAt ?? stored.observedAt;
  return {
    ...(surface ? { surface } : {}),
    ...(storeId ? { storeId } : {}),
    locale: requested.locale ?? customer.locale ?? DEFAULT_LOCALE,
    sessionActive: requested.sessionActive ?? storedSessionActive,
    ...(observedAt ? { observedAt } : {}),
  };
}
