import { checkTemplate } from '../core/render/checks.js';
import type { TemplateProblem } from '../core/render/problems.js';
import { Renderer, type RendererOptions } from '../core/render/renderer.js';
import { type LoadedTemplates, loadTemplateFolder } from './load.js';

/**
 * Everything `templates check` and the build report: problems reading the folder and compiling
 * MJML, then the core checks of each template. A part that already has a folder problem (MJML
 * that does not parse, say) is not reported again by the core checks, which would only repeat
 * it in other words ("missing email.mjml").
 */
export async function checkTemplateFolder(dir: string, rendererOptions: RendererOptions = {}): Promise<LoadedTemplates> {
  const loaded = await loadTemplateFolder(dir);
  const renderer = new Renderer(rendererOptions);
  const problems: TemplateProblem[] = [...loaded.problems];
  for (const template of Object.values(loaded.bundle.templates)) {
    const id = template.manifest.id;
    const reported = new Set(loaded.problems.filter((p) => p.template === id && p.part).map((p) => p.part));
    const found = await checkTemplate(template, renderer);
    problems.push(...found.filter((p) => p.part === undefined || !reported.has(p.part)));
  }
  // Grouped by template, so a marketer finds all of theirs together; stable within a template.
  problems.sort((a, b) => a.template.localeCompare(b.template));
  return { ...loaded, problems };
}
