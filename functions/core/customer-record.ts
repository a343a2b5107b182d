import * as z from 'zod';
import { ADDRESS_STATUSES, CHANNELS, CONSENT_VALUES, type Customer, ENGAGEMENT_COUNTERS, type Problem, PUSH_PLATFORMS, SUPPRESSION_REASONS, SURFACES } from './model.js';
import type { MalformedCustomer } from './ports.js';
import { problemsOf } from './problem-bounds.js';

/*
 * Other systems write the customers table too, so attributes we do not read are let through
 * (loose objects, here and below); a field we do read must have the type the decision expects,
 * or the request fails with the field's path instead of a TypeError deep in the decision.
 */
const addressState = {
  status: z.enum(ADDRESS_STATUSES).optional(),
  reason: z.enum(SUPPRESSION_REASONS).optional(),
  updatedAt: z.string().optional(),
};

const consentEntry = z.union([z.enum(CONSENT_VALUES), z.looseObject({ value: z.enum(CONSENT_VALUES), updatedAt: z.string().optional(), source: z.string().optional() })], {
  error: 'must be "opt_in", "opt_out" or { "value": "opt_in" | "opt_out", "updatedAt"?, "source"? }',
});
const consentTopics = z.record(z.string(), consentEntry);

const channelEngagement = z.looseObject({ ...optionalFields(ENGAGEMENT_COUNTERS, z.number()), lastEngagedAt: z.string().optional() });

/** One optional entry per channel we send on; entries for other channels are someone else's. */
function perChannel<T extends z.ZodType>(entry: T) {
  return z.looseObject(optionalFields(CHANNELS, entry));
}

/** One optional field for each name of a list, so the list stays the only place that names them. */
function optionalFields<K extends string, T extends z.ZodType>(names: readonly K[], entry: T): Record<K, z.ZodOptional<T>> {
  return Object.fromEntries(names.map((name) => [name, entry.optional()])) as Record<K, z.ZodOptional<T>>;
}

/** The stored customer record, as `Customer` in model.ts and docs/customer-record.md describe it. */
export const customerRecordSchema = z.looseObject({
  customerId: z.string().min(1),
  locale: z.string().optional(),
  timeZone: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  email: z.looseObject({ address: z.string(), ...addressState }).optional(),
  phone: z.looseObject({ number: z.string(), ...addressState }).optional(),
  push: z.array(z.looseObject({ token: z.string(), platform: z.enum(PUSH_PLATFORMS), ...addressState })).optional(),
  inApp: z.looseObject({ enabled: z.boolean() }).optional(),
  consent: perChannel(consentTopics).optional(),
  preferences: z
    .looseObject({
      preferredChannels: z.array(z.enum(CHANNELS)).optional(),
      quietHours: z.looseObject({ start: z.string(), end: z.string() }).optional(),
    })
    .optional(),
  engagement: perChannel(channelEngagement).optional(),
  context: z
    .looseObject({
      surface: z.enum(SURFACES).optional(),
      storeId: z.string().nullable().optional(),
      sessionActiveUntil: z.string().nullable().optional(),
      observedAt: z.string().optional(),
    })
    .optional(),
});

export type CustomerRecordResult = { ok: true; customer: Customer } | { ok: false; customerId: string | undefined; problems: Problem[] };

/** Reads a stored item; a broken one gives every problem (bounded, clipped) with its path. */
export function parseCustomerRecord(item: unknown): CustomerRecordResult {
  const parsed = customerRecordSchema.safeParse(item);
  if (!parsed.success) return { ok: false, customerId: idOf(item), problems: problemsOf(parsed.error) };
  // `malformed` marks a MalformedCustomer; an attribute of that name must not make a record look like one.
  const { malformed: _reserved, ...record } = parsed.data;
  const customer: Customer = record;
  return { ok: true, customer };
}

/** The directory's answer for a stored record that `parseCustomerRecord` refused. */
export function malformedCustomer(customerId: string, problems: Problem[]): MalformedCustomer {
  return { customerId, malformed: problems };
}

export function isMalformedCustomer(entry: Customer | MalformedCustomer): entry is MalformedCustomer {
  return Array.isArray((entry as Partial<MalformedCustomer>).malformed);
}

function idOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).customerId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
