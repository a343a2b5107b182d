import type { Customer, RequestContext, Surface } from './model.js';

/** The moment as the decision and the templates see it: request over stored, field by field. */
export interface EffectiveContext {
  surface?: Surface;
  storeId?: string;
  locale: string;
  sessionActive: boolean;
  observedAt?: string;
}

export const DEFAULT_LOCALE = 'en';

export function effectiveContext(customer: Customer, requested: RequestContext, now: Date): EffectiveContext {
  const stored = customer.context ?? {};
  const storedSessionActive =
    typeof stored.sessionActiveUntil === 'string' && Date.parse(stored.sessionActiveUntil) > now.getTime();
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
