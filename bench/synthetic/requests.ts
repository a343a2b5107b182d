import type { SendRequestInput } from '../../functions/core/request.js';
import type { TemplateManifest } from '../../functions/core/templates.js';
import { Prng } from '../prng.js';

/** Templates weighted roughly as a retailer sends them: order updates and cart nudges lead. */
const TEMPLATE_WEIGHTS: Record<string, number> = {
  'order-shipped': 25,
  'cart-reminder': 25,
  'in-store-offer': 20,
  'back-in-stock': 15,
  'service-recovery': 15,
};
const STORES = ['berlin-mitte', 'hamburg-altona', 'wien-neubau', 'london-soho', 'paris-marais'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export interface RequestOptions {
  count: number;
  seed: number;
  manifests: readonly TemplateManifest[];
  /** Customer ids to address, in the order they are cycled through. */
  customerIds: readonly string[];
  now: Date;
  idPrefix?: string;
  /** Adds the upstream mistakes a live queue sees: invalid requests (0.5%) and redelivered duplicates (0.5%). */
  anomalies?: boolean;
}

/**
 * Send requests over every template and channel: allow-lists, all three strategies, priorities,
 * request contexts (in store, at home, app open, another locale) and perishable moments, some
 * already expired. Customers are taken in turn, so a customer's next request comes only after
 * every other customer had one, as with a large base. Deterministic for a seed.
 */
export function syntheticRequests(options: RequestOptions): SendRequestInput[] {
  const random = new Prng(options.seed);
  const manifests = new Map(options.manifests.map((m) => [m.id, m]));
  const weights = Object.entries(TEMPLATE_WEIGHTS).filter(([id]) => manifests.has(id));
  for (const m of options.manifests) if (!(m.id in TEMPLATE_WEIGHTS)) weights.push([m.id, 10]);
  const order = random.shuffle(options.customerIds);
  const requests: SendRequestInput[] = [];
  for (let i = 0; i < options.count; i++) {
    const manifest = manifests.get(random.weighted(weights)) as TemplateManifest;
    const customerId = order[i % order.length] as string;
    const request = sendRequest(random, manifest, customerId, `${options.idPrefix ?? 'bench-r-'}${i}`, options.now);
    if (options.anomalies && i > 0 && random.chance(0.005)) requests.push(requests[random.int(0, i - 1)] as SendRequestInput);
    else if (options.anomalies && random.chance(0.005)) requests.push({ ...request, strategy: 'loudest' } as unknown as SendRequestInput);
    else requests.push(request);
  }
  return requests;
}

function sendRequest(random: Prng, manifest: TemplateManifest, customerId: string, requestId: string, now: Date): SendRequestInput {
  const perishable = manifest.id === 'cart-reminder' || manifest.id === 'in-store-offer';
  const minutesLeft = random.chance(0.03) ? -random.int(1, 30) : random.int(10, 240);
  return {
    requestId,
    customerId,
    template: manifest.id,
    ...(random.chance(0.25) ? { channels: random.subset(manifest.channels) } : {}),
    strategy: random.weighted([
      ['failover', 75],
      ['best', 12],
      ['all', 13],
    ] as const),
    priority: manifest.category === 'transactional' && random.chance(0.3) ? 'high' : 'normal',
    data: vary(random, manifest.sampleData.data ?? {}) as Record<string, unknown>,
    context: requestContext(random, manifest),
    ...(perishable ? { expiresAt: new Date(now.getTime() + minutesLeft * 60_000).toISOString() } : {}),
    createdAt: now.toISOString(),
  };
}

function requestContext(random: Prng, manifest: TemplateManifest): NonNullable<SendRequestInput['context']> {
  if (manifest.id === 'in-store-offer' && random.chance(0.7)) return { surface: 'store', storeId: random.pick(STORES) };
  return {
    ...(random.chance(0.4) ? { surface: random.pick(['app', 'web', 'offline'] as const) } : {}),
    ...(random.chance(0.2) ? { locale: random.pick(['de', 'de-AT', 'en', 'fr-FR']) } : {}),
    ...(random.chance(0.15) ? { sessionActive: true } : {}),
  };
}

/**
 * The template's own sample data with its values varied: links, dates, counts, flags and list
 * lengths. Names are kept, so every request still renders within the template's SMS limits.
 */
function vary(random: Prng, value: unknown): unknown {
  if (Array.isArray(value)) {
    const length = random.int(1, Math.max(1, value.length + 1));
    return Array.from({ length }, (_, n) => vary(random, value[n % value.length]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, vary(random, v)]));
  }
  if (typeof value === 'number') return Number.isInteger(value) ? random.int(1, Math.max(2, value * 2)) : value;
  if (typeof value === 'boolean') return random.chance(0.5);
  if (typeof value === 'string' && /^https:\/\//.test(value)) return `${value}${value.includes('?') ? '&' : '?'}ref=${random.int(1, 9_999)}`;
  // Delivery estimates and offer ends spread over a few weeks, as a day's sends do.
  if (typeof value === 'string' && DATE.test(value)) return new Date(Date.parse(value) + random.int(0, 20) * DAY_MS).toISOString().slice(0, 10);
  return value;
}
