import type { Category, Channel, ConsentBook, Customer, Surface } from '../core/model.js';
import { CHANNELS, SURFACES } from '../core/model.js';
import { hashText, type Random, sampleBeta, seededRandom } from '../core/learning/random.js';
import { type SendRequest, sendRequestSchema } from '../core/request.js';
import type { TemplateManifest } from '../core/templates.js';
import type { Population, Segment } from './population.js';

/** How closely a customer's own chances follow their segment's: a Beta of this many pseudo-messages around the mean. */
export const INDIVIDUALITY = 20;
/** Every run starts on this Monday at midnight UTC, so a run never depends on the day it is run. */
export const SIMULATION_START = Date.UTC(2026, 2, 2);
/** The simulated retailer's customers live here; its requests arrive between 07:00 and 22:00 local time. */
export const SIMULATION_TIME_ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** In UTC, for a zone one hour ahead in winter and two in summer: about 07:00 to 22:00 local. */
const FIRST_HOUR_UTC = 6;
const SENDING_HOURS = 15;
/** Share of requests that carry an `expiresAt`, due within a few hours to two days. */
const EXPIRING_SHARE = 0.2;

export interface SimulatedCustomer {
  /** The record every policy starts from, as a CRM would hold it: addresses, consent, stated preference. */
  record: Customer;
  segment: Segment;
  /** The customer's own true chance of engaging per channel, before moment and drift: what no policy sees. */
  truth: Record<Channel, number>;
}

export interface SimulatedRequest {
  index: number;
  day: number;
  at: Date;
  customer: number;
  manifest: TemplateManifest;
  request: SendRequest;
  moment: Surface;
  /** One uniform draw per channel: the message is engaged with when its draw falls below the true chance. Shared by every policy. */
  draws: Record<Channel, number>;
  /** The `random` policy's draw, shared likewise. */
  pick: number;
}

export function drawCustomers(population: Population, manifests: readonly TemplateManifest[]): SimulatedCustomer[] {
  const topics = topicsByCategory(manifests);
  return Array.from({ length: population.customers }, (_, index) => {
    const random = seededRandom(`${population.seed}:customer:${index}`);
    const segment = pickSegment(population.segments, random.next());
    return { record: customerRecord(`sim-${index}`, segment, topics, random), segment, truth: ownTruth(segment, random) };
  });
}

/** The true chance of engagement when this request reaches the customer on `channel`. */
export function trueChance(customer: SimulatedCustomer, channel: Channel, moment: Surface, day: number): number {
  const { segment } = customer;
  const effect = segment.momentEffects?.[moment]?.[channel] ?? 1;
  return Math.min(1, customer.truth[channel] * driftFactor(segment, channel, day) * effect);
}

export function* drawRequests(population: Population, customers: readonly SimulatedCustomer[], manifests: readonly TemplateManifest[]): Generator<SimulatedRequest> {
  let index = 0;
  for (let day = 0; day < population.days; day++) {
    const random = seededRandom(`${population.seed}:requests:${day}`);
    const arrivals: { customer: number; at: number }[] = [];
    customers.forEach((_, customer) => {
      const count = poisson(random, population.requestsPerCustomerPerDay);
      for (let i = 0; i < count; i++) arrivals.push({ customer, at: SIMULATION_START + day * DAY_MS + (FIRST_HOUR_UTC + random.next() * SENDING_HOURS) * HOUR_MS });
    });
    arrivals.sort((a, b) => a.at - b.at || a.customer - b.customer);
    for (const arrival of arrivals) {
      const manifest = manifests[Math.floor(random.next() * manifests.length)] as TemplateManifest;
      const customer = customers[arrival.customer] as SimulatedCustomer;
      const moment = pickMoment(customer.segment, random.next());
      const at = new Date(Math.floor(arrival.at / 1000) * 1000);
      const expiresAt = random.next() < EXPIRING_SHARE ? new Date(at.getTime() + (3 + random.next() * 45) * HOUR_MS).toISOString() : undefined;
      const request = sendRequestSchema.parse({
        requestId: `sim-${population.seed}-${index}`,
        customerId: customer.record.customerId,
        template: manifest.id,
        strategy: 'best',
        context: { surface: moment, observedAt: at.toISOString() },
        ...(expiresAt ? { expiresAt } : {}),
      });
      const draws = Object.fromEntries(CHANNELS.map((channel) => [channel, random.next()])) as Record<Channel, number>;
      yield { index, day, at, customer: arrival.customer, manifest, request, moment, draws, pick: random.next() };
      index++;
    }
  }
}

function customerRecord(customerId: string, segment: Segment, topics: Record<Category, string[]>, random: Random): Customer {
  const has = (channel: Channel) => random.next() < (segment.reachable[channel] ?? 0);
  const reachable = Object.fromEntries(CHANNELS.map((channel) => [channel, has(channel)])) as Record<Channel, boolean>;
  const consent: ConsentBook = {};
  for (const channel of CHANNELS) {
    const marketing = random.next() < (segment.consent.marketing[channel] ?? 0) ? 'opt_in' : 'opt_out';
    const transactional = random.next() < (segment.consent.transactional?.[channel] ?? 1) ? undefined : 'opt_out';
    const entries: Record<string, 'opt_in' | 'opt_out'> = {};
    for (const topic of topics.marketing) entries[topic] = marketing;
    if (transactional) for (const topic of topics.transactional) entries[topic] = transactional;
    consent[channel] = entries;
  }
  const digits = String(10_000_000 + (Math.abs(hashText(customerId)) % 89_999_999));
  return {
    customerId,
    timeZone: SIMULATION_TIME_ZONE,
    locale: 'en',
    ...(reachable.email ? { email: { address: `${customerId}@example.com` } } : {}),
    ...(reachable.sms ? { phone: { number: `+4915${digits}` } } : {}),
    ...(reachable.push ? { push: [{ token: `token-${customerId}`, platform: 'GCM' as const }] } : {}),
    ...(reachable.in_app ? { inApp: { enabled: true } } : {}),
    consent,
    ...(segment.statedPreference.length > 0 ? { preferences: { preferredChannels: [...segment.statedPreference] } } : {}),
  };
}

function ownTruth(segment: Segment, random: Random): Record<Channel, number> {
  return Object.fromEntries(CHANNELS.map((channel) => [channel, drawAround(segment.engagement[channel] ?? 0, random)])) as Record<Channel, number>;
}

function drawAround(mean: number, random: Random): number {
  if (mean <= 0 || mean >= 1) return mean;
  return sampleBeta(random, mean * INDIVIDUALITY, (1 - mean) * INDIVIDUALITY);
}

function driftFactor(segment: Segment, channel: Channel, day: number): number {
  const drift = segment.drift;
  // `day` counts from 0; a drift's day, like the report's days, from 1.
  const after = drift && day + 1 >= drift.day ? drift.engagement[channel] : undefined;
  if (after === undefined) return 1;
  const before = segment.engagement[channel] ?? 0;
  return before > 0 ? after / before : 0;
}

function pickSegment(segments: readonly Segment[], u: number): Segment {
  let cumulative = 0;
  for (const segment of segments) {
    cumulative += segment.share;
    if (u < cumulative) return segment;
  }
  return segments[segments.length - 1] as Segment;
}

function pickMoment(segment: Segment, u: number): Surface {
  let cumulative = 0;
  for (const moment of SURFACES) {
    cumulative += segment.moments[moment] ?? 0;
    if (u < cumulative) return moment;
  }
  return SURFACES.findLast((moment) => (segment.moments[moment] ?? 0) > 0) ?? 'offline';
}

/** Knuth's method: fine for the small means of requests per customer and day. */
function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}

function topicsByCategory(manifests: readonly TemplateManifest[]): Record<Category, string[]> {
  const topics: Record<Category, Set<string>> = { marketing: new Set(), transactional: new Set() };
  for (const manifest of manifests) topics[manifest.category].add(manifest.topic);
  return { marketing: [...topics.marketing], transactional: [...topics.transactional] };
}
