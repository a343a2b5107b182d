import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { topicProblems } from '../core/message-class.js';
import type { TemplateProblem } from '../core/render/problems.js';
import type { CompiledTemplate } from '../core/templates.js';
import { type TopicRegistry, topicRegistrySchema } from '../core/topics.js';

/** The registry's file, beside the template folders; problems with it are reported under this name. */
export const TOPICS_FILE = 'topics.json';

export interface ReadRegistry {
  registry?: TopicRegistry;
  problems: TemplateProblem[];
}

/** `<dir>/topics.json`, checked against the registry schema; every problem with its place in the file. */
export async function readTopicRegistry(dir: string): Promise<ReadRegistry> {
  const problem = (message: string): ReadRegistry => ({ problems: [{ template: TOPICS_FILE, message }] });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, TOPICS_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return problem("is missing: every template's topic must be declared in it (see templates/README.md)");
    return problem(`is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = topicRegistrySchema.safeParse(raw);
  if (parsed.success) return { registry: parsed.data, problems: [] };
  return {
    problems: parsed.error.issues.map((issue) => ({
      template: TOPICS_FILE,
      message: `${placeOf(raw, issue.path)}: ${issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message}`,
    })),
  };
}

/** `topics.1 ("order-updates") requiredOn`: the index a file has, and the id a marketer searches for. */
function placeOf(raw: unknown, path: PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  const [list, index, ...rest] = path;
  const topics = (raw as { topics?: unknown } | null)?.topics;
  const id = list === 'topics' && typeof index === 'number' && Array.isArray(topics) ? (topics[index] as { id?: unknown } | undefined)?.id : undefined;
  if (typeof id !== 'string') return path.map(String).join('.');
  return [`topics.${String(index)} (${JSON.stringify(id)})`, ...rest.map(String)].join(' ');
}

/**
 * Each template's topic against the registry: declared, of the template's category, and declared
 * for every channel the template uses, so a typo or a relabelled template never passes.
 */
export function checkTemplateTopics(templates: readonly CompiledTemplate[], registry: TopicRegistry): TemplateProblem[] {
  return templates.flatMap(({ manifest }) =>
    topicProblems(registry, { topic: manifest.topic, category: manifest.category, channels: manifest.channels }, 'the template').map((message) => ({
      template: manifest.id,
      message: `template.json topic: ${message}`,
    })),
  );
}
