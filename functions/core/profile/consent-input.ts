import * as z from 'zod';
import { canonicalInstant } from '../instant.js';
import { CHANNELS, CONSENT_VALUES, type Problem } from '../model.js';
import type { ConsentChange } from '../ports.js';
import { problemsOf } from '../problem-bounds.js';
import { EVERY_TOPIC, findTopic, type TopicRegistry } from '../topics.js';
import { isoInstant, MAX_CLOCK_SKEW_MS } from './context-input.js';
import { prefixed } from './profile-input.js';

export const MAX_CONSENT_CHANGES = 50;

/** Recorded on every entry as `api:<source>`, so the record says the change came through this API and from whom. */
const source = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may only contain letters, digits and . _ : @ - (e.g. crm-sync or store-kiosk:berlin)');

/**
 * `POST /customers/{customerId}/consent`: decisions a customer made elsewhere (a CRM, a store
 * kiosk, a call centre), each with the time it was made. Topics are the registry's, or `"*"`.
 */
const changeSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  topic: z.string().min(1).max(64),
  value: z.enum(CONSENT_VALUES),
  updatedAt: isoInstant,
});
export const consentInputSchema = z.strictObject({ source, changes: z.array(changeSchema).min(1).max(MAX_CONSENT_CHANGES) });
type ChangeInput = z.output<typeof changeSchema>;

export type ConsentInputResult = { ok: true; changes: ConsentChange[] } | { ok: false; problems: Problem[] };

/**
 * Every problem at once: the shape, then each change against the registry (a declared topic on
 * one of its channels, never an opt-out where the topic is required), a time not in the future,
 * and no channel and topic twice in one call.
 */
export function parseConsentInput(body: unknown, registry: TopicRegistry, now: Date): ConsentInputResult {
  const parsed = consentInputSchema.safeParse(body);
  if (!parsed.success) {
    // The changes that are well-formed on their own are still checked, so one answer lists everything.
    const list = (body as { changes?: unknown } | null)?.changes;
    const wellFormed = Array.isArray(list) && list.length <= MAX_CONSENT_CHANGES ? list.map((change) => changeSchema.safeParse(change).data) : [];
    return { ok: false, problems: [...prefixed(problemsOf(parsed.error)), ...changeProblems(wellFormed, registry, now)] };
  }
  const problems = changeProblems(parsed.data.changes, registry, now);
  if (problems.length > 0) return { ok: false, problems };
  const stamp = `api:${parsed.data.source}`;
  const changes = parsed.data.changes.map(({ channel, topic, value, updatedAt }) => ({ channel, topic, value, updatedAt: canonicalInstant(updatedAt) as string, source: stamp }));
  return { ok: true, changes };
}

function changeProblems(list: readonly (ChangeInput | undefined)[], registry: TopicRegistry, now: Date): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  list.forEach((change, i) => {
    if (!change) return;
    const at = (field: string) => `body.changes.${i}.${field}`;
    if (change.topic !== EVERY_TOPIC) {
      const topic = findTopic(registry, change.topic);
      if (!topic) problems.push({ path: at('topic'), message: `"${change.topic}" is not a topic of the registry (templates/topics.json), nor "*"` });
      else if (!topic.channels.includes(change.channel)) problems.push({ path: at('channel'), message: `topic "${topic.id}" is never sent on ${change.channel}` });
      else if (change.value === 'opt_out' && topic.requiredOn.includes(change.channel)) {
        problems.push({ path: at('value'), message: `topic "${topic.id}" is required on ${change.channel}: customers cannot opt out of it there` });
      }
    }
    if (Date.parse(change.updatedAt) > now.getTime() + MAX_CLOCK_SKEW_MS)
      problems.push({ path: at('updatedAt'), message: 'is in the future; a consent change is recorded when the customer made it' });
    const key = `${change.channel}/${change.topic}`;
    if (seen.has(key)) problems.push({ path: at('topic'), message: `${key} is changed twice in one call` });
    seen.add(key);
  });
  return problems;
}
