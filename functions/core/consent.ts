import type { Category, Channel, ConsentBook, ConsentEntry, ConsentValue } from './model.js';

export type ConsentVerdict = { allowed: true; basis: string } | { allowed: false; reason: 'NO_CONSENT' | 'OPTED_OUT'; basis: string };

const EVERY_TOPIC = '*';

/**
 * Whether the customer's consent lets a message of this category and topic go out on the channel.
 * First matching rule wins:
 *
 * 1. A channel-wide opt-out (`"*": opt_out`) blocks every category and topic → `OPTED_OUT`.
 *    It wins even over a topic opt-in: STOP or "unsubscribe from everything" is the broadest thing
 *    a customer can say, so a later re-subscription must clear or replace the `"*"` entry itself.
 * 2. An opt-out of the topic blocks that topic, in every category → `OPTED_OUT`.
 * 3. Marketing needs an explicit opt-in for the topic or for `"*"` → otherwise `NO_CONSENT`.
 * 4. Transactional passes: without an opt-out, the customer expects to hear about their own orders.
 *
 * Entries may be the bare value or `{ value, updatedAt, source }`; an entry with any other value
 * is treated as absent, so unreadable consent never counts as an opt-in. The consent on the
 * customer record, and who writes it: docs/customer-record.md.
 */
export function checkConsent(consent: ConsentBook | undefined, channel: Channel, category: Category, topic: string): ConsentVerdict {
  const entries = consent?.[channel] ?? {};
  const everyTopic = readEntry(entries[EVERY_TOPIC]);
  const thisTopic = topic === EVERY_TOPIC ? undefined : readEntry(entries[topic]);

  if (everyTopic?.value === 'opt_out') {
    return { allowed: false, reason: 'OPTED_OUT', basis: describe(channel, EVERY_TOPIC, everyTopic) };
  }
  if (thisTopic?.value === 'opt_out') {
    return { allowed: false, reason: 'OPTED_OUT', basis: describe(channel, topic, thisTopic) };
  }
  if (category === 'marketing') {
    if (thisTopic?.value === 'opt_in') return { allowed: true, basis: describe(channel, topic, thisTopic) };
    if (everyTopic?.value === 'opt_in') return { allowed: true, basis: describe(channel, EVERY_TOPIC, everyTopic) };
    return { allowed: false, reason: 'NO_CONSENT', basis: `${channel}: no opt-in for ${topic} or for every topic` };
  }
  const optIn = thisTopic ?? everyTopic;
  return { allowed: true, basis: optIn ? describe(channel, thisTopic ? topic : EVERY_TOPIC, optIn) : `${channel}: transactional, no opt-out` };
}

interface ReadEntry {
  value: ConsentValue;
  updatedAt?: string;
  source?: string;
}

function readEntry(entry: ConsentEntry | undefined): ReadEntry | undefined {
  if (entry === undefined) return undefined;
  const candidate = typeof entry === 'string' ? { value: entry } : entry;
  return isConsentValue(candidate.value) ? candidate : undefined;
}

function isConsentValue(value: unknown): value is ConsentValue {
  return value === 'opt_in' || value === 'opt_out';
}

function describe(channel: Channel, topic: string, entry: ReadEntry): string {
  const provenance = [entry.source, entry.updatedAt].filter(Boolean).join(', ');
  return `${channel}/${topic}: ${entry.value}${provenance ? ` (${provenance})` : ''}`;
}
