import { PermanentError } from '../errors.js';
import type { Problem } from '../model.js';
import type { ContextPatch } from './context-input.js';
import type { ProfileWrite } from './profile-write.js';

/** A stored customer item, exactly as the table holds it (other systems' attributes included). */
export type StoredCustomer = Record<string, unknown>;

export interface ProfileStore {
  get(customerId: string): Promise<StoredCustomer | undefined>;
  /**
   * Reads the record, asks `plan` for the write, and makes it on condition that the fields the
   * plan read are unchanged (reading again when they changed); creates the customer when absent.
   */
  replace(customerId: string, plan: (current: StoredCustomer | undefined) => ProfileWrite): Promise<{ created: boolean; record: StoredCustomer }>;
  /**
   * Applies an observation of the customer's moment unless the record holds a newer one.
   * Fails with a PermanentError coded `UNKNOWN_CUSTOMER` when there is no such customer.
   */
  applyContext(customerId: string, patch: ContextPatch): Promise<'applied' | 'stale'>;
}

export interface ErasureReport {
  /** Whether a customer record was there to delete. */
  profile: boolean;
  inboxItems: number;
  /** Delivery records stripped to what retention keeps (see `deliveryErasure`). */
  deliveryRecords: number;
  /** Provider message ids taken off those records, each with the lookup that maps it back to its request. */
  providerMessageIds: number;
}

/**
 * Erases a customer: the record, the in-app inbox, the frequency counters, and every personal
 * detail of the delivery records. Idempotent: running it again finishes what a failure left.
 */
export interface CustomerEraser {
  erase(customerId: string, at: Date): Promise<ErasureReport>;
}

/** The record as stored cannot take the write: answered 409 with what is wrong, never retried. */
export class ProfileConflict extends PermanentError {
  constructor(readonly problems: Problem[]) {
    super('the stored customer record conflicts with the write', 'PROFILE_CONFLICT');
  }
}
