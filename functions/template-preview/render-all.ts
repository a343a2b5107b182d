import { sampleScope } from '../core/render/checks.js';
import { DEFAULT_VARIANT } from '../core/render/locale.js';
import { partsOf } from '../core/render/parts.js';
import { messageOf, TemplateRenderError, type TemplateProblem, formatProblem } from '../core/render/problems.js';
import { Renderer, type RendererOptions } from '../core/render/renderer.js';
import type { Channel } from '../core/model.js';
import type { CompiledTemplate, LocaleKey, RenderedMessage, TemplateManifest } from '../core/templates.js';
import { checkTemplateFolder } from '../template-compiler/check.js';

export interface PreviewEntry {
  channel: Channel;
  locale: LocaleKey;
  rendered?: RenderedMessage;
  /** Why this combination did not render. */
  problems: string[];
}

export interface TemplatePreview {
  id: string;
  manifest: TemplateManifest;
  entries: PreviewEntry[];
  /** Everything `templates check` reports for the template, so a draft's mistakes show next to it. */
  problems: string[];
  /** Its notes from `templates check`: an email variant whose text part is converted at every send. */
  notes: string[];
}

export interface PreviewSet {
  templates: TemplatePreview[];
  /** Problems of folders too broken to make it into the bundle (no usable template.json). */
  orphanProblems: string[];
  renderedAt: string;
}

/**
 * Every template × channel × locale rendered from the template's own sample data, straight from
 * the folder (MJML compiled on the fly), so a draft previews before any build.
 */
export async function renderPreviews(dir: string, options: RendererOptions & { only?: string } = {}): Promise<PreviewSet> {
  const { bundle, problems, notes } = await checkTemplateFolder(dir, options);
  const renderer = new Renderer(options);
  const templates: TemplatePreview[] = [];
  for (const template of Object.values(bundle.templates)) {
    const id = template.manifest.id;
    if (options.only !== undefined && id !== options.only) continue;
    const entries: PreviewEntry[] = [];
    for (const channel of template.manifest.channels) {
      for (const locale of localesOf(template, channel)) entries.push(await renderOne(renderer, template, channel, locale));
    }
    const mine = (list: TemplateProblem[]): string[] => list.filter((p) => p.template === id).map(formatProblem);
    templates.push({ id, manifest: template.manifest, entries, problems: mine(problems), notes: mine(notes) });
  }
  const known = new Set(Object.keys(bundle.templates));
  const orphanProblems = problems.filter((p) => !known.has(p.template) && (options.only === undefined || p.template === options.only)).map(formatProblem);
  return { templates: templates.sort((a, b) => a.id.localeCompare(b.id)), orphanProblems, renderedAt: new Date().toISOString() };
}

async function renderOne(renderer: Renderer, template: CompiledTemplate, channel: Channel, locale: LocaleKey): Promise<PreviewEntry> {
  try {
    const rendered = await renderer.render(template, channel, sampleScope(template, channel, locale), locale);
    return { channel, locale, rendered, problems: [] };
  } catch (error) {
    const problems = error instanceof TemplateRenderError ? error.details.map((p: TemplateProblem) => formatProblem(p)) : [messageOf(error)];
    return { channel, locale, problems };
  }
}

/** The default first, then each locale any part of the channel has a variant for. */
function localesOf(template: CompiledTemplate, channel: Channel): LocaleKey[] {
  const keys = new Set(partsOf(channel).flatMap((part) => Object.keys(template.parts[part] ?? {})));
  keys.delete(DEFAULT_VARIANT);
  return [DEFAULT_VARIANT, ...[...keys].sort()];
}
