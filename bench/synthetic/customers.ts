import type { Channel, ConsentBook, ConsentEntry, Customer, PushToken } from '../../functions/core/model.js';
import { Prng } from '../prng.js';

const FIRST_NAMES = ['Lena', 'Jonas', 'Amara', 'Haruto', 'Sofia', 'Mia', 'Noah', 'Chloé', 'Mateo', 'Aiko', 'Ben', 'Zoë'];
const PROFILES = [
  { locale: 'de-DE', timeZone: 'Europe/Berlin', prefix: '+49151' },
  { locale: 'de-AT', timeZone: 'Europe/Vienna', prefix: '+43664' },
  { locale: 'en-GB', timeZone: 'Europe/London', prefix: '+44770' },
  { locale: 'en-US', timeZone: 'America/New_York', prefix: '+1212' },
  { locale: 'fr-FR', timeZone: 'Europe/Paris', prefix: '+33612' },
  { locale: 'ja-JP', timeZone: 'Asia/Tokyo', prefix: '+8190' },
] as const;
const STORES = ['berlin-mitte', 'hamburg-altona', 'wien-neubau', 'london-soho', 'paris-marais'];
const TOPICS = ['promotions', 'order-updates'];
const CHANNELS: readonly Channel[] = ['push', 'sms', 'email', 'in_app'];

export interface CustomerOptions {
  count: number;
  seed: number;
  /** The moment the stored context is relative to: fresh store visits and live app sessions. */
  now: Date;
  idPrefix?: string;
}

/**
 * Customers as upstream systems write them, varied the way a real base is: locales and time
 * zones, missing and suppressed addresses, consent in both stored forms with opt-outs, stated
 * preferences, engagement history and a live or stale context. Deterministic for a seed.
 */
export function syntheticCustomers(options: CustomerOptions): Customer[] {
  const random = new Prng(options.seed);
  return Array.from({ length: options.count }, (_, index) => customer(random, index, options));
}

export function customerId(index: number, prefix = 'bench-c-'): string {
  return `${prefix}${String(index).padStart(6, '0')}`;
}

function customer(random: Prng, index: number, options: CustomerOptions): Customer {
  const profile = random.pick(PROFILES);
  const id = customerId(index, options.idPrefix);
  const pushTokens = random.chance(0.65) ? tokens(random, id) : [];
  return {
    customerId: id,
    locale: profile.locale,
    // A few records lack a zone: quiet hours then fall back to UTC, which the core must handle.
    ...(random.chance(0.97) ? { timeZone: profile.timeZone } : {}),
    attributes: { firstName: random.pick(FIRST_NAMES), tier: random.pick(['bronze', 'silver', 'gold']), homeStoreId: random.pick(STORES) },
    ...(random.chance(0.92) ? { email: { address: `${id}@example.com`, ...addressStatus(random, 0.05, 'bounced') } } : {}),
    // Unique per customer, so a provider call on a number names exactly one customer.
    ...(random.chance(0.75) ? { phone: { number: `${profile.prefix}${String(1_000_000 + index).padStart(7, '0')}`, ...addressStatus(random, 0.03, 'opted_out') } } : {}),
    ...(pushTokens.length > 0 ? { push: pushTokens } : {}),
    inApp: { enabled: random.chance(0.6) },
    consent: consent(random, options.now),
    ...(random.chance(0.6) ? { preferences: preferences(random) } : {}),
    ...(random.chance(0.7) ? { engagement: engagement(random, options.now) } : {}),
    ...(random.chance(0.8) ? { context: storedContext(random, options.now) } : {}),
  };
}

function addressStatus(random: Prng, suppressedShare: number, reason: 'bounced' | 'opted_out'): { status: 'active' | 'suppressed'; reason?: typeof reason } {
  return random.chance(suppressedShare) ? { status: 'suppressed', reason } : { status: 'active' };
}

function tokens(random: Prng, id: string): PushToken[] {
  return Array.from({ length: random.int(1, 2) }, (_, n) => ({
    token: `${id}-device-${n}`,
    platform: random.pick(['APNS', 'GCM'] as const),
    ...(random.chance(0.08) ? { status: 'suppressed' as const, reason: 'invalid' as const } : { status: 'active' as const }),
  }));
}

function consent(random: Prng, now: Date): ConsentBook {
  const book: ConsentBook = {};
  for (const channel of CHANNELS) {
    const entries: Record<string, ConsentEntry> = {};
    const roll = random.next();
    // Most customers opted in everywhere or per topic; some said nothing; a few opted out.
    if (roll < 0.55) entries['*'] = entry(random, 'opt_in', now);
    else if (roll < 0.75) entries[random.pick(TOPICS)] = entry(random, 'opt_in', now);
    else if (roll < 0.85) entries['*'] = entry(random, 'opt_out', now);
    if (random.chance(0.1)) entries.promotions = entry(random, 'opt_out', now);
    if (Object.keys(entries).length > 0) book[channel] = entries;
  }
  return book;
}

function entry(random: Prng, value: 'opt_in' | 'opt_out', now: Date): ConsentEntry {
  if (random.chance(0.5)) return value;
  const updatedAt = new Date(now.getTime() - random.int(1, 400) * 86_400_000).toISOString();
  return { value, updatedAt, source: random.pick(['signup', 'preference_center', 'checkout']) };
}

function preferences(random: Prng): NonNullable<Customer['preferences']> {
  return {
    preferredChannels: random.subset(CHANNELS),
    ...(random.chance(0.25)
      ? {
          quietHours: random.pick([
            { start: '22:00', end: '07:30' },
            { start: '20:00', end: '09:00' },
            { start: '23:30', end: '06:00' },
          ]),
        }
      : {}),
  };
}

function engagement(random: Prng, now: Date): NonNullable<Customer['engagement']> {
  const history: NonNullable<Customer['engagement']> = {};
  for (const channel of random.subset(CHANNELS)) {
    const sent = random.int(1, 60);
    const delivered = Math.max(0, sent - random.int(0, 2));
    const opened = random.int(0, delivered);
    history[channel] = {
      sent,
      delivered,
      opened,
      clicked: random.int(0, opened),
      ...(opened > 0 ? { lastEngagedAt: new Date(now.getTime() - random.int(1, 90) * 86_400_000).toISOString() } : {}),
    };
  }
  return history;
}

function storedContext(random: Prng, now: Date): NonNullable<Customer['context']> {
  const surface = random.pick(['app', 'web', 'store', 'offline'] as const);
  // Half are fresh observations (minutes ago), half stale (hours ago): freshness decides whether they count.
  const observedAt = new Date(now.getTime() - (random.chance(0.5) ? random.int(1, 60) : random.int(120, 2_000)) * 60_000).toISOString();
  const sessionActiveUntil = surface === 'app' && random.chance(0.5) ? new Date(now.getTime() + random.int(1, 30) * 60_000).toISOString() : null;
  return { surface, storeId: surface === 'store' ? random.pick(STORES) : null, sessionActiveUntil, observedAt };
}
