import { customerRecordSchema } from '../customer-record.js';
import type { Problem } from '../model.js';
import { problemsOf } from '../problem-bounds.js';
import { PROFILE_FIELDS, type ProfileInput } from './profile-input.js';

export type ProfileField = (typeof PROFILE_FIELDS)[number];
/** The address fields whose stored state a replace carries over, so it depends on what it read. */
export const GUARDED_FIELDS = ['email', 'phone', 'push'] as const;
export type GuardedField = (typeof GUARDED_FIELDS)[number];

export interface ProfileWrite {
  /** Profile fields to set, whole. */
  set: Partial<Record<ProfileField, unknown>>;
  /** Profile fields the body left out: removed from the record. */
  remove: ProfileField[];
  /**
   * The stored value of each address field as read (undefined: absent). The write must only go
   * ahead while they are unchanged, or a suppression recorded meanwhile would be lost.
   */
  guards: Record<GuardedField, unknown>;
}

type Stored = Record<string, unknown> | undefined;
type Entry = Record<string, unknown>;

/**
 * The write that replaces a customer's profile with `profile`, keeping what Switchboard learned
 * about the addresses: the same email address (compared without case) or phone number keeps its
 * status (a bounced address stays suppressed), a push token already on file keeps its status,
 * and anything new starts `active` at `at`. Consent, engagement, context and attributes other
 * systems keep on the record are not profile fields and are never touched.
 */
export function profileWrite(current: Stored, profile: ProfileInput, at: string): ProfileWrite {
  const set: Partial<Record<ProfileField, unknown>> = {};
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (value !== undefined) set[field] = value;
  }
  const active = { status: 'active', updatedAt: at };
  if (profile.email) {
    const stored = entry(current?.email);
    const same = typeof stored?.address === 'string' && stored.address.toLowerCase() === profile.email.address.toLowerCase();
    set.email = same ? { ...stored, address: profile.email.address } : { address: profile.email.address, ...active };
  }
  if (profile.phone) {
    const stored = entry(current?.phone);
    set.phone = stored?.number === profile.phone.number ? { ...stored } : { number: profile.phone.number, ...active };
  }
  if (profile.push) {
    const stored = Array.isArray(current?.push) ? (current.push as unknown[]).map(entry) : [];
    set.push = profile.push.map((token) => {
      const known = stored.find((s) => s?.token === token.token);
      return known ? { ...known, platform: token.platform } : { ...token, ...active };
    });
  }
  return {
    set,
    remove: PROFILE_FIELDS.filter((field) => set[field] === undefined && current?.[field] !== undefined),
    guards: { email: current?.email, phone: current?.phone, push: current?.push },
  };
}

/** The record after the write, as GET will answer it. */
export function afterWrite(customerId: string, current: Stored, write: ProfileWrite): Record<string, unknown> {
  const record: Record<string, unknown> = { ...current, customerId, ...write.set };
  for (const field of write.remove) delete record[field];
  return record;
}

/**
 * What the write sets must read back as the stored record the orchestrator expects; a stored
 * address state that breaks the record contract is reported rather than carried over.
 */
export function unreadableWrite(customerId: string, write: ProfileWrite): Problem[] {
  const parsed = customerRecordSchema.safeParse({ customerId, ...write.set });
  return parsed.success ? [] : problemsOf(parsed.error).map((p) => ({ path: `record.${p.path}`, message: `the stored record cannot take this profile: ${p.message}` }));
}

function entry(value: unknown): Entry | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entry) : undefined;
}
