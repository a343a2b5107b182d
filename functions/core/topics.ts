import * as z from 'zod';
import { CATEGORIES, CHANNELS } from './model.js';

/** `"*"` is how consent says "every topic"; no topic may take that name. */
export const EVERY_TOPIC = '*';

/** The longest topic a request, a template, a signed link or a provider event may name. */
export const MAX_TOPIC_LENGTH = 128;

const topicId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1–64 of lowercase letters, digits and -, starting with a letter or digit');

/**
 * One consent topic as marketers declare it in `templates/topics.json`. `name` and `description`
 * are shown to customers in the preference centre. `requiredOn` lists the channels on which a
 * customer may not opt out of the topic (an order update by email, say); only transactional
 * topics may have any.
 */
export const topicSchema = z
  .strictObject({
    id: topicId,
    name: z.string().min(1).max(80),
    description: z.string().min(1).max(200),
    category: z.enum(CATEGORIES),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a channel'),
    requiredOn: z.array(z.enum(CHANNELS)).default([]),
  })
  .superRefine((topic, ctx) => {
    if (topic.category === 'marketing' && topic.requiredOn.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['requiredOn'], message: 'a marketing topic can never be required: customers may always opt out' });
    }
    for (const channel of topic.requiredOn) {
      if (!topic.channels.includes(channel)) ctx.addIssue({ code: 'custom', path: ['requiredOn'], message: `${channel} is not among the topic's channels` });
    }
  });

export const topicRegistrySchema = z
  .strictObject({
    formatVersion: z.literal(1),
    topics: z.array(topicSchema).min(1),
  })
  .superRefine((registry, ctx) => {
    const seen = new Set<string>();
    registry.topics.forEach((topic, index) => {
      if (seen.has(topic.id)) ctx.addIssue({ code: 'custom', path: ['topics', index, 'id'], message: `topic "${topic.id}" is declared twice` });
      seen.add(topic.id);
    });
  });

export type Topic = z.output<typeof topicSchema>;
export type TopicRegistry = z.output<typeof topicRegistrySchema>;

export function findTopic(registry: TopicRegistry, id: string): Topic | undefined {
  return registry.topics.find((topic) => topic.id === id);
}
