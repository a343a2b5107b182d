import { PermanentError } from '../errors.js';
import type { Customer, Problem } from '../model.js';
import type { Clock, ConsentChange, ConsentWriter, CustomerDirectory } from '../ports.js';
import type { TopicRegistry } from '../topics.js';
import { type PreferenceEdit, planPreferenceEdit } from './edit.js';
import { type PreferenceView, preferenceView } from './view.js';

export interface PreferenceDeps {
  customers: Pick<CustomerDirectory, 'getMany'>;
  consent: ConsentWriter;
  registry: TopicRegistry;
  clock: Clock;
}

export type PreferenceLookup =
  | { kind: 'found'; customer: Customer; view: PreferenceView }
  | { kind: 'unknown' }
  /** The stored record breaks the contract; its problems say where. */
  | { kind: 'malformed'; problems: Problem[] };

export type PreferenceUpdate =
  { kind: 'saved'; view: PreferenceView; applied: ConsentChange[] } | { kind: 'invalid'; problems: Problem[] } | Exclude<PreferenceLookup, { kind: 'found' }>;

export async function readPreferences(customerId: string, deps: Pick<PreferenceDeps, 'customers' | 'registry'>): Promise<PreferenceLookup> {
  const record = (await deps.customers.getMany([customerId])).get(customerId);
  if (!record) return { kind: 'unknown' };
  if ('malformed' in record) return { kind: 'malformed', problems: record.malformed };
  return { kind: 'found', customer: record, view: preferenceView(deps.registry, record) };
}

/**
 * Checks the edit against the registry and the customer's record, writes the changes it makes
 * (stamped with `source` and the time, so an older change never overwrites a newer one), and
 * answers with the choices as the record holds them afterwards.
 */
export async function updatePreferences(customerId: string, edit: PreferenceEdit, source: string, deps: PreferenceDeps): Promise<PreferenceUpdate> {
  const before = await readPreferences(customerId, deps);
  if (before.kind !== 'found') return before;
  const plan = planPreferenceEdit(deps.registry, before.customer, edit, { source, at: deps.clock.now() });
  if (!plan.ok) return { kind: 'invalid', problems: plan.problems };
  if (plan.changes.length === 0) return { kind: 'saved', view: before.view, applied: [] };
  let applied: ConsentChange[];
  try {
    ({ applied } = await deps.consent.apply(customerId, plan.changes));
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    // Erased, or rewritten by another system into a shape consent cannot go into, since the read.
    if (error.code === 'UNKNOWN_CUSTOMER') return { kind: 'unknown' };
    if (error.code === 'MALFORMED_CUSTOMER') return { kind: 'malformed', problems: [{ path: 'consent', message: error.message }] };
    throw error;
  }
  const after = await readPreferences(customerId, deps);
  return after.kind === 'found' ? { kind: 'saved', view: after.view, applied } : after;
}
