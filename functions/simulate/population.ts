import * as z from 'zod';
import { CHANNELS, SURFACES } from '../core/model.js';

const probability = z.number().min(0).max(1);
const channel = z.enum(CHANNELS);
/** A probability per channel; a channel left out is 0. */
const perChannel = z.strictObject(Object.fromEntries(CHANNELS.map((c) => [c, probability.optional()])) as Record<(typeof CHANNELS)[number], z.ZodOptional<typeof probability>>);
const perMoment = z.strictObject(Object.fromEntries(SURFACES.map((s) => [s, probability.optional()])) as Record<(typeof SURFACES)[number], z.ZodOptional<typeof probability>>);
const multipliers = z.strictObject(
  Object.fromEntries(CHANNELS.map((c) => [c, z.number().nonnegative().optional()])) as Record<(typeof CHANNELS)[number], z.ZodOptional<z.ZodNumber>>,
);

const segmentSchema = z
  .strictObject({
    name: z.string().min(1).max(64),
    /** Fraction of customers in the segment; the shares of all segments add up to 1. */
    share: z.number().positive().max(1),
    /** Chance a customer has an address (token, inbox) on the channel. */
    reachable: perChannel,
    /** Chance of an opt-in to marketing per channel; `transactional` is the chance of no opt-out (1 when left out). */
    consent: z.strictObject({ marketing: perChannel, transactional: perChannel.optional() }),
    /** What the profile says the customer prefers, best first; it may be wrong. */
    statedPreference: z
      .array(channel)
      .max(CHANNELS.length)
      .refine((list) => new Set(list).size === list.length, 'must not name a channel twice'),
    /** Mean true chance a message on the channel is opened or clicked; each customer's own is drawn around it. */
    engagement: perChannel,
    /** Chance a request finds the customer in each moment; they add up to 1. */
    moments: perMoment,
    /** Multiplies the true chance when a request arrives in that moment. */
    momentEffects: z
      .strictObject(Object.fromEntries(SURFACES.map((s) => [s, multipliers.optional()])) as Record<(typeof SURFACES)[number], z.ZodOptional<typeof multipliers>>)
      .optional(),
    /** From simulated day `day` on (the first day is 1), the segment's mean engagement on the named channels is this instead. */
    drift: z.strictObject({ day: z.int().min(1), engagement: perChannel }).optional(),
  })
  .refine((segment) => Math.abs(sum(Object.values(segment.moments)) - 1) <= 0.001, { message: 'moments must add up to 1', path: ['moments'] });

/** A simulated retailer's customers and their hidden true behaviour (docs/simulate.md). */
export const populationSchema = z
  .strictObject({
    seed: z.int(),
    days: z.int().min(1).max(365),
    customers: z.int().min(1).max(100_000),
    requestsPerCustomerPerDay: z.number().positive().max(10),
    /** What one message costs on each channel, in the currency of the report. */
    prices: z.strictObject(Object.fromEntries(CHANNELS.map((c) => [c, z.number().nonnegative()])) as Record<(typeof CHANNELS)[number], z.ZodNumber>),
    segments: z.array(segmentSchema).min(1).max(50),
  })
  .refine((population) => Math.abs(sum(population.segments.map((s) => s.share)) - 1) <= 0.001, { message: 'segment shares must add up to 1', path: ['segments'] })
  .refine((population) => population.segments.every((s) => !s.drift || s.drift.day <= population.days), { message: 'a drift day must fall within the run', path: ['segments'] });

export type Population = z.infer<typeof populationSchema>;
export type Segment = Population['segments'][number];

function sum(values: readonly (number | undefined)[]): number {
  return values.reduce<number>((total, value) => total + (value ?? 0), 0);
}
