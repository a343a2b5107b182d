import { checkConsent } from '../consent.js';
import type { Channel, Customer, Problem } from '../model.js';
import type { ConsentChange } from '../ports.js';
import { EVERY_TOPIC, findTopic, type TopicRegistry } from '../topics.js';
import { channelWideOptOut, decidingEntry } from './view.js';

export interface TopicChoiceEdit {
  topic: string;
  channel: Channel;
  subscribed: boolean;
}

/** What a customer asked for: some topic × channel choices, and channels to take every marketing topic off. */
export interface PreferenceEdit {
  choices: readonly TopicChoiceEdit[];
  noMarketingOn: readonly Channel[];
}

export type PlannedEdit = { ok: true; changes: ConsentChange[] } | { ok: false; problems: Problem[] };

/**
 * The consent changes that carry out an edit, or every problem with it (paths
 * `topics.<topic>.<channel>` and `noMarketingOn.<index>`), checked against the registry:
 *
 * - only declared topics, on the channels the topic declares; `"*"` is never a topic;
 * - a topic required on a channel cannot be switched off there;
 * - a channel-wide opt-out (`"*": opt_out`, SMS STOP) is not lifted from here, so no topic can be
 *   switched on under it;
 * - "no marketing on this channel" is an opt-out of every marketing topic the registry declares on
 *   the channel, never a `"*"` opt-out, which would block order updates too (consent rule 1).
 *
 * A choice the record already holds writes nothing, so its provenance stays the original one.
 */
export function planPreferenceEdit(registry: TopicRegistry, customer: Customer, edit: PreferenceEdit, stamp: { source: string; at: Date }): PlannedEdit {
  const problems: Problem[] = [];
  const wanted = new Map<string, ConsentChange>();
  const want = (channel: Channel, topic: string, subscribed: boolean) =>
    wanted.set(`${channel}/${topic}`, { channel, topic, value: subscribed ? 'opt_in' : 'opt_out', source: stamp.source, updatedAt: stamp.at.toISOString() });

  const silenced = new Set(edit.noMarketingOn);
  edit.noMarketingOn.forEach((channel, index) => {
    if (edit.noMarketingOn.indexOf(channel) !== index) problems.push({ path: `noMarketingOn.${index}`, message: `${channel} is listed twice` });
  });
  const seen = new Map<string, boolean>();
  for (const choice of edit.choices) {
    const problem = choiceProblem(registry, customer, choice, silenced);
    const key = `${choice.channel}/${choice.topic}`;
    if (problem) problems.push({ path: `topics.${choice.topic}.${choice.channel}`, message: problem });
    else if (seen.has(key) && seen.get(key) !== choice.subscribed) problems.push({ path: `topics.${choice.topic}.${choice.channel}`, message: 'is asked for both ways' });
    seen.set(key, choice.subscribed);
    const topic = findTopic(registry, choice.topic);
    if (!problem && topic && checkConsent(customer.consent, choice.channel, topic.category, topic.id).allowed !== choice.subscribed)
      want(choice.channel, topic.id, choice.subscribed);
  }
  for (const channel of silenced) {
    for (const topic of registry.topics) {
      if (topic.category !== 'marketing' || !topic.channels.includes(channel)) continue;
      // An explicit opt-out already says it; anything weaker (an opt-in, a "*" opt-in, nothing) gets one.
      const deciding = decidingEntry(customer, channel, topic.id);
      if (!(deciding?.topic === topic.id && deciding.value === 'opt_out')) want(channel, topic.id, false);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, changes: [...wanted.values()] };
}

function choiceProblem(registry: TopicRegistry, customer: Customer, choice: TopicChoiceEdit, silenced: ReadonlySet<Channel>): string | undefined {
  if (choice.topic === EVERY_TOPIC) return '"*" is not a topic; noMarketingOn switches off every marketing topic on a channel';
  const topic = findTopic(registry, choice.topic);
  if (!topic) return `is not a topic; the topics are ${registry.topics.map((t) => t.id).join(', ')}`;
  if (!topic.channels.includes(choice.channel)) return `${topic.name} is not sent by ${choice.channel}; it uses ${topic.channels.join(', ')}`;
  if (choice.subscribed) {
    if (topic.category === 'marketing' && silenced.has(choice.channel)) return `contradicts noMarketingOn, which switches off every marketing topic on ${choice.channel}`;
    const allOff = channelWideOptOut(customer, choice.channel);
    if (allOff) {
      return `every message on ${choice.channel} is switched off (${allOff.source ?? 'no source recorded'}); no topic can be switched on under that here`;
    }
    return undefined;
  }
  if (topic.requiredOn.includes(choice.channel)) return `${topic.name} is required on ${choice.channel} and cannot be switched off`;
  return undefined;
}
