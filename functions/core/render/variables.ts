import type { Liquid, Template } from 'liquidjs';

/**
 * The scope paths a parsed template reads, as far as they are static: `data.items[0].name`
 * gives `data.items`, `data.stores[context.storeId]` gives `data.stores` (and `context.storeId`).
 * Loop variables and `assign`ed names are not scope paths and are left out by liquidjs.
 */
export function usedVariables(engine: Liquid, templates: Template[]): string[] {
  const analysis = engine.analyzeSync(templates, { partials: false });
  const paths = new Set<string>();
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const names: string[] = [];
      for (const segment of variable.segments) {
        if (typeof segment !== 'string') break;
        names.push(segment);
      }
      if (names.length > 0) paths.add(names.join('.'));
    }
  }
  return [...paths].sort();
}
