import { readFileSync } from 'node:fs';
import type { TemplateStore } from '../core/ports.js';
import type { CompiledTemplate, TemplateBundle } from '../core/templates.js';
import { type TopicRegistry, topicRegistrySchema } from '../core/topics.js';

/** Templates from the bundle the build step wrote; loaded once per cold start, never re-read. */
export class BundleTemplateStore implements TemplateStore {
  private readonly templates: ReadonlyMap<string, CompiledTemplate>;
  private readonly registry: TopicRegistry | undefined;

  constructor(bundle: TemplateBundle) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a bundle is JSON another build may have written.
    if (bundle.formatVersion !== 1) throw new Error(`unsupported template bundle format ${String(bundle.formatVersion)}`);
    this.templates = new Map(Object.entries(bundle.templates));
    this.registry = bundle.topics === undefined ? undefined : readRegistry(bundle.topics);
  }

  get(templateId: string): CompiledTemplate | undefined {
    return this.templates.get(templateId);
  }

  ids(): string[] {
    return [...this.templates.keys()].sort();
  }

  topics(): TopicRegistry | undefined {
    return this.registry;
  }
}

const loaded = new Map<string, TemplateBundle>();

/**
 * Reads a bundle once per path and process: synchronous on purpose, since it runs at cold start
 * before the first event, and warm invocations must not touch the disk again.
 */
export function loadTemplateBundle(path: string): TemplateBundle {
  const cached = loaded.get(path);
  if (cached) return cached;
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isBundle(parsed)) throw new Error(`${path} is not a template bundle (formatVersion 1 with a templates object)`);
  loaded.set(path, parsed);
  return parsed;
}

/**
 * The topic registry compiled into the bundle at `path`, for functions that show or check topics
 * (the preference centre, say). A bundle without one fails here: such a function cannot work.
 */
export function loadTopicRegistry(path: string): TopicRegistry {
  const store = new BundleTemplateStore(loadTemplateBundle(path));
  const registry = store.topics();
  if (!registry) throw new Error(`${path} has no topic registry: rebuild it with npm run build`);
  return registry;
}

/** Checked again when loaded: a registry edited into a bundle by hand must not decide consent. */
function readRegistry(value: unknown): TopicRegistry {
  const parsed = topicRegistrySchema.safeParse(value);
  if (!parsed.success) throw new Error(`the template bundle's topic registry is malformed: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  return parsed.data;
}

function isBundle(value: unknown): value is TemplateBundle {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { formatVersion?: unknown; templates?: unknown };
  return candidate.formatVersion === 1 && typeof candidate.templates === 'object' && candidate.templates !== null;
}
