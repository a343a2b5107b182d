import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../core/render/manifest.js';
import { partSpec } from '../core/render/parts.js';
import type { TemplateProblem } from '../core/render/problems.js';
import type { CompiledTemplate, TemplateBundle } from '../core/templates.js';
import { deriveEmailText } from './email-text.js';
import { parsePartFileName } from './file-names.js';
import { compileMjml } from './mjml.js';
import { readTopicRegistry } from './topics.js';

export interface LoadedTemplates {
  bundle: TemplateBundle;
  problems: TemplateProblem[];
  /** What a marketer may want to know but need not fix: which email variants convert their text at send time. */
  notes: TemplateProblem[];
  /** Every template folder found, including those too broken to make it into the bundle. */
  folders: string[];
}

/**
 * Reads `<dir>/<id>/template.json` and the part files next to it into a bundle, compiling MJML
 * to HTML, with the topic registry `<dir>/topics.json`. A template whose template.json is
 * unusable is left out of the bundle; every other problem is reported and the template kept, so
 * the checks that follow can say more.
 */
export async function loadTemplateFolder(dir: string): Promise<LoadedTemplates> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const problem = { template: '(none)', message: `cannot read ${dir}: ${(error as Error).message}` };
    return { bundle: { formatVersion: 1, templates: {} }, problems: [problem], notes: [], folders: [] };
  }
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const bundle: TemplateBundle = { formatVersion: 1, templates: {} };
  const problems: TemplateProblem[] = [];
  const notes: TemplateProblem[] = [];
  for (const folder of folders) {
    const loaded = await loadTemplate(join(dir, folder), folder);
    problems.push(...loaded.problems);
    notes.push(...loaded.notes);
    if (loaded.template) bundle.templates[folder] = loaded.template;
  }
  if (folders.length === 0) problems.push({ template: '(none)', message: `no template folders in ${dir}` });
  const topics = await readTopicRegistry(dir);
  problems.push(...topics.problems);
  if (topics.registry) bundle.topics = topics.registry;
  return { bundle, problems, notes, folders };
}

async function loadTemplate(folderPath: string, folder: string): Promise<{ template?: CompiledTemplate; problems: TemplateProblem[]; notes: TemplateProblem[] }> {
  const problems: TemplateProblem[] = [];
  const notes: TemplateProblem[] = [];
  const problem = (message: string, where: Partial<TemplateProblem> = {}): void => {
    problems.push({ template: folder, ...where, message });
  };
  const manifest = await readManifest(folderPath, folder, problem);
  const parts: CompiledTemplate['parts'] = {};
  const entries = await readdir(folderPath, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'template.json') continue;
    if (!entry.isFile()) {
      problem(`${entry.name} is a folder; a template is one flat folder`);
      continue;
    }
    const file = parsePartFileName(entry.name);
    if (!file.ok) {
      problem(file.message);
      continue;
    }
    const where = { channel: partSpec(file.part)?.channel, locale: file.locale, part: file.part };
    const variants = (parts[file.part] ??= {});
    if (Object.keys(variants).some((key) => key.toLowerCase() === file.locale.toLowerCase())) {
      problem(`${entry.name} repeats a locale that another file of this part already has`, where);
      continue;
    }
    const source = await readFile(join(folderPath, entry.name), 'utf8');
    if (file.part !== 'email.html') {
      variants[file.locale] = source;
      continue;
    }
    const compiled = await compileMjml(source, join(folderPath, entry.name));
    for (const message of compiled.problems) problem(message, where);
    if (compiled.html === undefined) continue;
    variants[file.locale] = compiled.html;
    const text = deriveEmailText(compiled.html);
    if (text.ok) (parts['email.text'] ??= {})[file.locale] = text.text;
    else notes.push({ template: folder, ...where, part: 'email.text', message: sendTimeText(text.reason) });
  }
  return manifest ? { template: { manifest, parts }, problems, notes } : { problems, notes };
}

/** The note for an email variant left without a derived text part. */
export function sendTimeText(reason: string): string {
  return `the text part is converted from the HTML at every send (slower), because ${reason}`;
}

async function readManifest(folderPath: string, folder: string, problem: (message: string) => void): Promise<CompiledTemplate['manifest'] | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(folderPath, 'template.json'), 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    problem(missing ? 'template.json is missing' : `template.json is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = parseManifest(raw);
  if (!parsed.ok) {
    for (const issue of parsed.problems) problem(`template.json ${issue.path || '(root)'}: ${issue.message}`);
    return undefined;
  }
  if (parsed.manifest.id !== folder) {
    problem(`template.json id "${parsed.manifest.id}" must equal the folder name "${folder}"`);
    return undefined;
  }
  return parsed.manifest;
}
