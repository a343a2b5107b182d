import type { Channel, ConsentBook, Customer } from '../functions/core/model.js';
import { zoneWhere } from '../functions/local/seed/tokens.js';
import { Prng } from '../bench/prng.js';

/** How a customer's consent is set up; each profile excludes something different. */
export const CONSENT_PROFILES = ['everything', 'email_marketing_only', 'no_sms', 'no_promotions_on_push', 'transactional_only', 'no_email_at_all'] as const;
export type ConsentProfile = (typeof CONSENT_PROFILES)[number];

export interface ChaosCustomer {
  customer: Customer;
  profile: ConsentProfile;
  /** Gets a large share of the marketing requests, so caps are reached. */
  hot: boolean;
  /** Complains about the first marketing email that reaches them. */
  complains: boolean;
  /** Replied STOP to the provider: texts are accepted and then fail at the carrier as opted out. */
  stopped: boolean;
}

export interface Population {
  customers: ChaosCustomer[];
  byId: Map<string, ChaosCustomer>;
  /** Every address, number and token handed out: none of them may ever appear in a log line. */
  secrets: { emails: Set<string>; phones: Set<string>; tokens: Set<string> };
}

/** Zones on both sides of the date line, so some is always at daytime; each customer lives where it is daytime now. */
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Brisbane', 'America/Los_Angeles', 'Asia/Dubai'];
const FIRST_NAMES = ['Lena', 'Jonas', 'Priya', 'Mateo', 'Aiko', 'Sam', 'Noor', 'Emil', 'Zoë 🌻'];

/** Seeded customers: varied consent and reachability, a few hot ones, some that complain and some that said STOP. */
export function population(seed: number, count: number, now: Date): Population {
  const rng = new Prng(seed ^ 0x5eed);
  const secrets = { emails: new Set<string>(), phones: new Set<string>(), tokens: new Set<string>() };
  const customers: ChaosCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const customerId = `cx${seed}-${String(i).padStart(4, '0')}`;
    const profile = CONSENT_PROFILES[i % CONSENT_PROFILES.length] as ConsentProfile;
    const address = `${hex(rng, 10)}@inbox.example`;
    const number = `+4915${String(rng.int(10_000_000, 99_999_999))}`;
    const token = `tok${hex(rng, 32)}`;
    secrets.emails.add(address);
    secrets.phones.add(number);
    secrets.tokens.add(token);
    const customer: Customer = {
      customerId,
      locale: 'en-GB',
      timeZone: zoneWhere('day', rng.pick(ZONES), now),
      attributes: { firstName: rng.pick(FIRST_NAMES) },
      email: { address, status: 'active' },
      phone: { number, status: 'active' },
      push: rng.chance(0.8) ? [{ token, platform: rng.pick(['APNS', 'GCM'] as const), status: 'active' }] : [],
      inApp: { enabled: rng.chance(0.8) },
      consent: consentFor(profile),
      ...(rng.chance(0.3) ? { preferences: { preferredChannels: rng.subset(['email', 'push', 'sms', 'in_app'] as Channel[]) } } : {}),
    };
    customers.push({ customer, profile, hot: i % 12 === 0, complains: i % 9 === 4, stopped: i % 17 === 5 });
  }
  return { customers, byId: new Map(customers.map((c) => [c.customer.customerId, c])), secrets };
}

export function consentFor(profile: ConsentProfile): ConsentBook {
  const all = { '*': 'opt_in' as const };
  switch (profile) {
    case 'everything':
      return { email: all, sms: all, push: all, in_app: all };
    case 'email_marketing_only':
      return { email: all };
    case 'no_sms':
      return { email: all, sms: { '*': 'opt_out' }, push: all, in_app: all };
    case 'no_promotions_on_push':
      return { email: all, sms: all, push: { '*': 'opt_in', promotions: 'opt_out' }, in_app: all };
    case 'transactional_only':
      return {};
    case 'no_email_at_all':
      return { email: { '*': 'opt_out' }, sms: all, push: all, in_app: all };
  }
}

function hex(rng: Prng, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(rng.next() * 16).toString(16);
  return text;
}
