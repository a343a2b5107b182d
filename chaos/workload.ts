import { readFileSync } from 'node:fs';
import type { Category, Channel } from '../functions/core/model.js';
import type { SendRequestInput } from '../functions/core/request.js';
import { Prng } from '../bench/prng.js';
import type { Population } from './population.js';

export const POISON_KINDS = ['invalid_json', 'deep_data', 'long_customer_id', 'huge_field_name', 'unknown_template', 'unknown_customer'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

/** One send request the run expects an outcome for. */
export interface PlannedRequest {
  requestId: string;
  customerId: string;
  template: string;
  category: Category;
  topic: string;
  /** Rendered into every channel's body, so each accepted message names its request. */
  marker: string;
  /** Valid by the contract: it must end in exactly one terminal record. */
  valid: boolean;
  poison?: PoisonKind;
}

export interface QueueEntry {
  body: string;
  request?: PlannedRequest;
  poison?: PoisonKind;
  /** A second message with the same body as an earlier one. */
  copy: boolean;
}

export interface Workload {
  requests: PlannedRequest[];
  byId: Map<string, PlannedRequest>;
  byMarker: Map<string, PlannedRequest>;
  /** In the order they go on the queue: shuffled, copies included. */
  queue: QueueEntry[];
}

export const MARKER = /ZQ[0-9A-Z]{8}/g;
const TEMPLATES = ['cart-reminder', 'order-shipped'] as const;
const CHANNELS: Channel[] = ['push', 'sms', 'email', 'in_app'];

/** The requests of a run, seeded: templates, strategies, allow-lists, moments, expiry; copies and poison mixed in. */
export function workload(seed: number, count: number, people: Population, options: { duplicateRate: number; poisonEach: number }, now: Date): Workload {
  const rng = new Prng(seed ^ 0x10ad);
  const manifests = Object.fromEntries(TEMPLATES.map((id) => [id, manifest(id)]));
  const hot = people.customers.filter((c) => c.hot);
  const markers = new Set<string>();
  const requests: PlannedRequest[] = [];
  const queue: QueueEntry[] = [];
  for (let i = 0; i < count; i++) {
    const template = rng.chance(0.6) ? 'cart-reminder' : 'order-shipped';
    const who = template === 'cart-reminder' && hot.length > 0 && rng.chance(0.3) ? rng.pick(hot) : rng.pick(people.customers);
    const marker = uniqueMarker(rng, markers);
    const meta = manifests[template] as { category: Category; topic: string };
    const topic = template === 'cart-reminder' && rng.chance(0.1) ? 'new-arrivals' : meta.topic;
    const request: PlannedRequest = {
      requestId: `rq${seed}-${String(i).padStart(5, '0')}`,
      customerId: who.customer.customerId,
      template,
      category: meta.category,
      topic,
      marker,
      valid: true,
    };
    const body: SendRequestInput = {
      requestId: request.requestId,
      customerId: request.customerId,
      template,
      ...(topic !== meta.topic ? { topic } : {}),
      strategy: rng.weighted([
        ['failover', 7],
        ['best', 1.5],
        ['all', 1.5],
      ] as const),
      ...(rng.chance(0.25) ? { channels: rng.subset(CHANNELS) } : {}),
      ...(template === 'order-shipped' && rng.chance(0.2) ? { priority: 'high' as const } : {}),
      data: template === 'cart-reminder' ? cartData(rng, marker) : orderData(rng, marker),
      context: { surface: rng.pick(['app', 'web', 'store', 'offline'] as const) },
      ...(rng.chance(0.8) ? { createdAt: now.toISOString() } : {}),
      ...(rng.chance(0.03)
        ? { expiresAt: new Date(now.getTime() - 60_000).toISOString() }
        : rng.chance(0.3)
          ? { expiresAt: new Date(now.getTime() + 7_200_000).toISOString() }
          : {}),
    };
    requests.push(request);
    const text = JSON.stringify(body);
    queue.push({ body: text, request, copy: false });
    if (rng.chance(options.duplicateRate)) queue.push({ body: text, request, copy: true });
  }
  for (const kind of POISON_KINDS) {
    for (let n = 0; n < options.poisonEach; n++) {
      const entry = poison(kind, `pz${seed}-${kind}-${n}`, rng, people, markers);
      if (entry.request) requests.push(entry.request);
      queue.push(entry);
    }
  }
  return {
    requests,
    byId: new Map(requests.map((r) => [r.requestId, r])),
    byMarker: new Map(requests.map((r) => [r.marker, r])),
    queue: rng.shuffle(queue),
  };
}

function poison(kind: PoisonKind, requestId: string, rng: Prng, people: Population, markers: Set<string>): QueueEntry {
  const customerId = rng.pick(people.customers).customer.customerId;
  const marker = uniqueMarker(rng, markers);
  const planned = (over: Partial<PlannedRequest>): PlannedRequest => ({
    requestId,
    customerId,
    template: 'cart-reminder',
    category: 'marketing',
    topic: 'promotions',
    marker,
    valid: false,
    poison: kind,
    ...over,
  });
  const base = { requestId, customerId, template: 'cart-reminder', data: cartData(rng, marker) };
  switch (kind) {
    case 'invalid_json':
      return { body: `{"requestId":"${requestId}","customerId":"${customerId}","template":`, poison: kind, copy: false };
    case 'deep_data': {
      // 5,000 levels of `{"a":…}`: about 30 KB, inside the 32 KiB the contract allows.
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      const body = JSON.stringify(base).replace(/}$/, '').replace(/}$/, `,"deep":${deep}}}`);
      return { body, request: planned({ valid: true }), poison: kind, copy: false };
    }
    case 'long_customer_id':
      return { body: JSON.stringify({ ...base, customerId: `c${'x'.repeat(2_999)}` }), request: planned({ customerId: `c${'x'.repeat(2_999)}` }), poison: kind, copy: false };
    case 'huge_field_name':
      return { body: JSON.stringify({ ...base, [`f${'z'.repeat(200 * 1024)}`]: true }), request: planned({}), poison: kind, copy: false };
    case 'unknown_template':
      return { body: JSON.stringify({ ...base, template: 'no-such-template' }), request: planned({ template: 'no-such-template', valid: true }), poison: kind, copy: false };
    case 'unknown_customer':
      return {
        body: JSON.stringify({ ...base, customerId: `nobody-${requestId}` }),
        request: planned({ customerId: `nobody-${requestId}`, valid: true }),
        poison: kind,
        copy: false,
      };
  }
}

function cartData(rng: Prng, marker: string): Record<string, unknown> {
  return {
    itemName: `Merino jumper ${marker}`,
    itemCount: rng.int(1, 3),
    cartTotal: '€49.90',
    cartUrl: `https://fernhill.example/cart/${marker}`,
    imageUrl: 'https://cdn.fernhill.example/products/merino.jpg',
    lowStock: rng.chance(0.5),
  };
}

function orderData(rng: Prng, marker: string): Record<string, unknown> {
  return {
    orderNumber: marker,
    carrier: rng.pick(['DHL', 'UPS', 'DPD']),
    trackingUrl: `https://fernhill.example/track/${marker}`,
    estimatedDelivery: '2026-11-26',
    items: [{ name: 'Waxed cotton field jacket', quantity: rng.int(1, 2) }],
    orderUrl: `https://fernhill.example/account/orders/${marker}`,
  };
}

function uniqueMarker(rng: Prng, taken: Set<string>): string {
  for (;;) {
    let marker = 'ZQ';
    while (marker.length < 10)
      marker += Math.floor(rng.next() * 36)
        .toString(36)
        .toUpperCase();
    if (!taken.has(marker)) {
      taken.add(marker);
      return marker;
    }
  }
}

function manifest(id: string): { category: Category; topic: string } {
  const raw = JSON.parse(readFileSync(new URL(`../templates/${id}/template.json`, import.meta.url), 'utf8')) as { category: Category; topic: string };
  return { category: raw.category, topic: raw.topic };
}
