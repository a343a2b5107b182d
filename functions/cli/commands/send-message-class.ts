import { BundleTemplateStore, loadTemplateBundle } from '../../adapters/bundle-template-store.js';
import { checkMessageClass } from '../../core/message-class.js';
import type { Problem } from '../../core/model.js';
import type { SendRequest } from '../../core/request.js';
import type { TopicRegistry } from '../../core/topics.js';

/** The compiled templates and the topic registry they were checked against. */
export interface LocalTemplates {
  path: string;
  store: BundleTemplateStore;
  registry: TopicRegistry;
}

/**
 * The bundle the local build wrote, when it can be read and carries a topic registry. Without one
 * there is nothing trustworthy to check against, so the orchestrator stays the only judge.
 */
export function localTemplates(path: string): LocalTemplates | undefined {
  try {
    const store = new BundleTemplateStore(loadTemplateBundle(path));
    const registry = store.topics();
    return registry ? { path, store, registry } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the orchestrator would reject this request's category or topic, by its own rule. A template
 * the bundle does not have is left to the orchestrator: the local build may be older than the
 * templates deployed where the request goes.
 */
export function messageClassProblems(templates: LocalTemplates, request: SendRequest): Problem[] {
  const template = templates.store.get(request.template);
  if (!template) return [];
  const checked = checkMessageClass(request, template.manifest, templates.registry);
  return checked.ok ? [] : checked.problems;
}
