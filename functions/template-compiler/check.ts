import { checkTemplate, sampleScope } from '../core/render/checks.js';
import { emailText } from '../core/render/email.js';
import { messageOf, type TemplateProblem } from '../core/render/problems.js';
import { Renderer, type RendererOptions } from '../core/render/renderer.js';
import type { CompiledTemplate } from '../core/templates.js';
import { type LoadedTemplates, loadTemplateFolder, sendTimeText } from './load.js';
import { checkPreferencesLink } from './preferences-link.js';
import { checkTemplateTopics } from './topics.js';

/**
 * Everything `templates check` and the build report: problems reading the folder, the topic
 * registry and compiling MJML, each template's topic against the registry, then the core checks
 * of each template and the preference link every marketing email must carry. A part that already
 * has a folder problem (MJML that does not parse, say) is not reported again by these checks,
 * which would only repeat it in other words ("missing email.mjml").
 */
export async function checkTemplateFolder(dir: string, rendererOptions: RendererOptions = {}): Promise<LoadedTemplates> {
  const loaded = await loadTemplateFolder(dir);
  const renderer = new Renderer(rendererOptions);
  const problems: TemplateProblem[] = [...loaded.problems];
  if (loaded.bundle.topics) problems.push(...checkTemplateTopics(Object.values(loaded.bundle.templates), loaded.bundle.topics));
  const notes: TemplateProblem[] = [...loaded.notes];
  for (const template of Object.values(loaded.bundle.templates)) {
    const id = template.manifest.id;
    const reported = new Set(loaded.problems.filter((p) => p.template === id && p.part).map((p) => p.part));
    const found = [...(await checkTemplate(template, renderer)), ...checkPreferencesLink(template, renderer)];
    problems.push(...found.filter((p) => p.part === undefined || !reported.has(p.part)));
    if (!found.some((p) => p.channel === 'email')) notes.push(...(await confirmEmailText(template, renderer)));
  }
  // An email with problems gets no text part worth a note until they are fixed.
  const broken = new Set(problems.filter((p) => p.channel === 'email' || p.channel === undefined).map((p) => p.template));
  const kept = notes.filter((note) => !broken.has(note.template));
  // Grouped by template, so a marketer finds all of theirs together; stable within a template.
  problems.sort((a, b) => a.template.localeCompare(b.template));
  kept.sort((a, b) => a.template.localeCompare(b.template));
  return { ...loaded, problems, notes: kept };
}

/**
 * A derived text part must read exactly as converting the rendered HTML does, at least from the
 * template's own sample data; a variant where it does not is dropped, so it converts at send time.
 */
async function confirmEmailText(template: CompiledTemplate, renderer: Renderer): Promise<TemplateProblem[]> {
  const texts = template.parts['email.text'];
  if (texts === undefined || !template.manifest.channels.includes('email')) return [];
  const notes: TemplateProblem[] = [];
  for (const locale of Object.keys(texts)) {
    let reason: string | undefined;
    try {
      const email = await renderer.render(template, 'email', sampleScope(template, 'email', locale), locale);
      if (email.text !== emailText(email.html)) reason = 'from the sample data it reads differently from the converted HTML';
    } catch (error) {
      reason = `it does not render from the sample data: ${messageOf(error)}`;
    }
    if (reason === undefined) continue;
    delete texts[locale];
    notes.push({ template: template.manifest.id, channel: 'email', locale, part: 'email.text', message: sendTimeText(reason) });
  }
  if (Object.keys(texts).length === 0) delete template.parts['email.text'];
  return notes;
}
