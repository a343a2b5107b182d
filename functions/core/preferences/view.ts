import { checkConsent } from '../consent.js';
import { isReachable } from '../eligibility.js';
import type { Category, Channel, ConsentEntry, Customer } from '../model.js';
import { EVERY_TOPIC, type TopicRegistry } from '../topics.js';

/** Who made a consent decision and when, as the record says. */
export interface Provenance {
  source?: string;
  updatedAt?: string;
}

export interface DecidingEntry extends Provenance {
  topic: string;
  value: 'opt_in' | 'opt_out';
}

export interface TopicChoice {
  /** Whether messages of this topic may reach the customer on this channel: the orchestrator's own consent rule. */
  subscribed: boolean;
  /** The registry requires the topic on this channel: customers see it but cannot switch it off. */
  required: boolean;
  /** False when required, or when every message on the channel is switched off. */
  changeable: boolean;
  /** The consent entry that decides it (`topic` is the topic or `"*"`); absent when no entry does. */
  decidedBy?: DecidingEntry;
}

export interface ChannelPreferences {
  channel: Channel;
  /** A channel-wide opt-out (`"*"`, e.g. an SMS STOP) blocks every message on the channel. */
  allOff?: Provenance;
  /** The marketing topics that use this channel: what "no marketing on this channel" switches off. */
  marketingTopics: string[];
  /** No marketing topic reaches the customer on this channel. */
  noMarketing: boolean;
}

export interface TopicPreferences {
  id: string;
  name: string;
  description: string;
  category: Category;
  /** One entry per channel the topic uses and the customer can be reached on. */
  choices: Partial<Record<Channel, TopicChoice>>;
}

export interface PreferenceView {
  customerId: string;
  /** The channels the customer can be reached on that some topic uses, in a fixed order. */
  channels: ChannelPreferences[];
  /** The registry's topics that reach the customer on at least one of those channels, in registry order. */
  topics: TopicPreferences[];
}

/** The order customers see channels in: the one every customer has first. */
const DISPLAY_ORDER = ['email', 'sms', 'push', 'in_app'] as const satisfies readonly Channel[];

/**
 * What the preference centre shows a customer: the registry's topics × the channels they can be
 * reached on, each with the current choice as the orchestrator would decide it (functions/core/
 * consent.ts), so the page can never claim a choice the sending path does not honour.
 */
export function preferenceView(registry: TopicRegistry, customer: Customer): PreferenceView {
  const channels = DISPLAY_ORDER.filter((channel) => isReachable(customer, channel) && registry.topics.some((topic) => topic.channels.includes(channel)));
  const topics: TopicPreferences[] = [];
  for (const topic of registry.topics) {
    const choices: TopicPreferences['choices'] = {};
    for (const channel of channels.filter((c) => topic.channels.includes(c))) choices[channel] = topicChoice(customer, channel, topic);
    if (Object.keys(choices).length > 0) topics.push({ id: topic.id, name: topic.name, description: topic.description, category: topic.category, choices });
  }
  return {
    customerId: customer.customerId,
    channels: channels.map((channel) => channelPreferences(customer, channel, topics)),
    topics,
  };
}

function topicChoice(customer: Customer, channel: Channel, topic: TopicRegistry['topics'][number]): TopicChoice {
  const required = topic.requiredOn.includes(channel);
  const subscribed = checkConsent(customer.consent, channel, topic.category, topic.id).allowed;
  const decidedBy = decidingEntry(customer, channel, topic.id);
  return { subscribed, required, changeable: !required && channelWideOptOut(customer, channel) === undefined, ...(decidedBy ? { decidedBy } : {}) };
}

function channelPreferences(customer: Customer, channel: Channel, topics: TopicPreferences[]): ChannelPreferences {
  const marketing = topics.filter((topic) => topic.category === 'marketing' && topic.choices[channel]);
  const allOff = channelWideOptOut(customer, channel);
  return {
    channel,
    ...(allOff ? { allOff } : {}),
    marketingTopics: marketing.map((topic) => topic.id),
    noMarketing: marketing.every((topic) => topic.choices[channel]?.subscribed !== true),
  };
}

/** The provenance of a `"*": opt_out` on the channel, when there is one. */
export function channelWideOptOut(customer: Customer, channel: Channel): Provenance | undefined {
  const entry = readEntry(customer.consent?.[channel]?.[EVERY_TOPIC]);
  return entry?.value === 'opt_out' ? provenance(entry) : undefined;
}

/**
 * The entry the consent rule reads first for this topic: a channel-wide opt-out, else the topic's
 * own entry, else the channel-wide opt-in. Shown to say who decided; the decision itself is checkConsent's.
 */
export function decidingEntry(customer: Customer, channel: Channel, topic: string): DecidingEntry | undefined {
  const entries = customer.consent?.[channel] ?? {};
  const everyTopic = readEntry(entries[EVERY_TOPIC]);
  const own = readEntry(entries[topic]);
  const [key, entry] = everyTopic?.value === 'opt_out' ? [EVERY_TOPIC, everyTopic] : own ? [topic, own] : [EVERY_TOPIC, everyTopic];
  return entry ? { topic: key, value: entry.value, ...provenance(entry) } : undefined;
}

interface ReadEntry extends Provenance {
  value: 'opt_in' | 'opt_out';
}

/** Bare values and `{ value, source, updatedAt }` alike (the customer record's schema admits nothing else). */
function readEntry(entry: ConsentEntry | undefined): ReadEntry | undefined {
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? { value: entry } : entry;
}

function provenance(entry: ReadEntry): Provenance {
  return { ...(typeof entry.source === 'string' ? { source: entry.source } : {}), ...(typeof entry.updatedAt === 'string' ? { updatedAt: entry.updatedAt } : {}) };
}
