import { BundleTemplateStore, loadTemplateBundle } from '../../adapters/bundle-template-store.js';
import { checkMessageClass } from '../../core/message-class.js';
import type { Problem } from '../../core/model.js';
import type { SendRequest } from '../../core/request.js';
import type { TemplateManifest } from '../../core/templates.js';
import type { TopicRegistry } from '../../core/topics.js';

/** The compiled templates of the local build, and the topic registry when the bundle carries one. */
export interface LocalTemplates {
  path: string;
  store: BundleTemplateStore;
  registry?: TopicRegistry;
}

/** The bundle at `path`, when it can be read; without one the orchestrator stays the only judge. */
export function localTemplates(path: string): LocalTemplates | undefined {
  try {
    const store = new BundleTemplateStore(loadTemplateBundle(path));
    const registry = store.topics();
    return { path, store, ...(registry ? { registry } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * What the orchestrator would refuse or fail on, judged from the bundle by its own rules: a
 * template it does not have and a category or topic the registry does not allow (both
 * `REJECTED`), and a `data.*` variable the template declares that the request does not carry
 * (`RENDER_FAILED`: templates render strictly). `customer.*` and `context.*` variables come
 * from the customer record and the moment, so only `data.*` can be checked here.
 */
export function bundleProblems(templates: LocalTemplates, request: SendRequest): { template: Problem[]; messageClass: Problem[] } {
  const template = templates.store.get(request.template);
  if (!template) {
    const known = templates.store.ids().map((id) => `"${id}"`);
    return { template: [{ path: 'template', message: `unknown template "${request.template}"; the templates are ${known.join(', ') || 'none'}` }], messageClass: [] };
  }
  // Without a registry in the local build, the deployed one may still allow what this one cannot tell.
  const checked = templates.registry ? checkMessageClass(request, template.manifest, templates.registry) : undefined;
  return { template: missingData(template.manifest, request.data), messageClass: checked && !checked.ok ? checked.problems : [] };
}

function missingData(manifest: TemplateManifest, data: Record<string, unknown>): Problem[] {
  return manifest.variables
    .filter((variable) => variable.startsWith('data.') && !hasPath(data, variable.split('.').slice(1)))
    .map((variable) => ({ path: variable, message: `template "${manifest.id}" declares ${variable}, and the request's data has none` }));
}

/** A value at every step, `null` included: strict rendering fails on what is absent, not on what is empty. */
function hasPath(value: unknown, path: readonly string[]): boolean {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}
