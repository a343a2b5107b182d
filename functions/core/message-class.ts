import { type Category, type Channel, CHANNELS, type Problem } from './model.js';
import type { SendRequest } from './request.js';
import type { TemplateManifest } from './templates.js';
import { EVERY_TOPIC, findTopic, type TopicRegistry } from './topics.js';

/** How a message is to be used: its consent topic, its category and the channels it may go out on. */
export interface TopicUse {
  topic: string;
  category: Category;
  channels: readonly Channel[];
}

export const EVERY_TOPIC_PROBLEM = '"*" stands for every topic in a customer\'s consent and is never the topic of a message';

export type MessageClassCheck = { ok: true; category: Category; topic: string } | { ok: false; problems: Problem[] };

/**
 * The category and topic a request's message is sent under, or why the request may not be sent:
 * consent is decided by them, so a request that could relabel them could reach anyone.
 *
 * - The category is always the template's; a request may repeat it, never change it.
 * - The topic is the template's unless the request names another, which the registry must declare
 *   with the template's category and with every channel the message may use.
 * - `"*"` is never a topic: consent reads it as "every topic".
 * - Without a registry (a bundle built before there was one) only the template's own topic is
 *   allowed, since nothing says which others would be honest.
 */
export function checkMessageClass(
  request: Pick<SendRequest, 'category' | 'topic' | 'channels'>,
  manifest: TemplateManifest,
  registry: TopicRegistry | undefined,
): MessageClassCheck {
  const problems: Problem[] = [];
  const category = manifest.category;
  if (request.category !== undefined && request.category !== category) {
    problems.push({ path: 'category', message: `template "${manifest.id}" is ${category}: a request cannot change a template's category` });
  }
  const topic = request.topic ?? manifest.topic;
  const path = request.topic === undefined ? 'template' : 'topic';
  const channels = manifest.channels.filter((channel) => request.channels === undefined || request.channels.includes(channel));
  if (registry) {
    for (const message of topicProblems(registry, { topic, category, channels }, `template "${manifest.id}"`)) problems.push({ path, message });
  } else if (topic === EVERY_TOPIC) {
    problems.push({ path, message: EVERY_TOPIC_PROBLEM });
  } else if (topic !== manifest.topic) {
    problems.push({ path, message: `the template bundle has no topic registry, so only the template's own topic "${manifest.topic}" can be used` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, category, topic };
}

/**
 * What the registry says is wrong with using a topic this way, one line each; none when it is
 * declared with this category and every one of these channels. `subject` names what uses it.
 */
export function topicProblems(registry: TopicRegistry, use: TopicUse, subject: string): string[] {
  if (use.topic === EVERY_TOPIC) return [EVERY_TOPIC_PROBLEM];
  const topic = findTopic(registry, use.topic);
  if (!topic) return [`${quoted(use.topic)} is not a topic declared in topics.json${suggestion(registry, use)}`];
  const problems: string[] = [];
  if (topic.category !== use.category) problems.push(`"${topic.id}" is a ${topic.category} topic in topics.json, and ${subject} is ${use.category}`);
  const missing = CHANNELS.filter((channel) => use.channels.includes(channel) && !topic.channels.includes(channel));
  if (missing.length > 0) {
    const allowed = topic.channels.filter((channel) => use.channels.includes(channel));
    const hint = allowed.length > 0 ? `; ${subject} may use it on ${allowed.join(', ')}` : '';
    problems.push(`topics.json does not declare "${topic.id}" for ${missing.join(', ')}${hint}`);
  }
  return problems;
}

/** The declared topic a typo most likely meant, else the topics of the right category. */
function suggestion(registry: TopicRegistry, use: TopicUse): string {
  const near = registry.topics.filter((topic) => editDistance(topic.id, use.topic.toLowerCase()) <= 2).map((topic) => topic.id);
  if (near.length > 0) return ` (did you mean ${near.map(quoted).join(' or ')}?)`;
  const same = registry.topics.filter((topic) => topic.category === use.category).map((topic) => topic.id);
  return same.length > 0 ? `; its ${use.category} topics are ${same.map(quoted).join(', ')}` : `; it declares no ${use.category} topic`;
}

function quoted(topic: string): string {
  return JSON.stringify(topic.length > 64 ? `${topic.slice(0, 64)}…` : topic);
}

/** Levenshtein distance; topic ids are at most 64 characters, and longer input is cut to that. */
function editDistance(a: string, b: string): number {
  const left = a.slice(0, 64);
  const right = b.slice(0, 64);
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}
