import { DEFAULT_LOCALE, RESOLVED_CONTEXT_FIELDS } from '../context.js';
import type { Channel } from '../model.js';
import type { CompiledTemplate, LocaleKey } from '../templates.js';
import { DEFAULT_VARIANT, languageOf, resolveVariant } from './locale.js';
import { implicitLinkVariables, sampleLinks } from './link-variables.js';
import { parseManifest } from './manifest.js';
import { PAIRED_PARTS, partSpec, partsOf, sourceName } from './parts.js';
import { messageOf, TemplateRenderError, type TemplateProblem } from './problems.js';
import type { Renderer } from './renderer.js';
import type { RenderScope } from './scope.js';
import { usedVariables } from './variables.js';

/** Always in scope at send time, so templates may use them without declaring them. */
const IMPLICIT_VARIABLES = ['channel', 'customer.id', ...RESOLVED_CONTEXT_FIELDS.map((field) => `context.${field}`)];

/**
 * Everything that can be known about a template without a real customer: its manifest, its
 * parts, the variables it declares and uses, and a render of every channel in every locale it
 * has from its own sample data (which also checks SMS segments and push payload size).
 */
export async function checkTemplate(template: CompiledTemplate, renderer: Renderer): Promise<TemplateProblem[]> {
  const id = template.manifest.id;
  const manifest = parseManifest(template.manifest);
  if (!manifest.ok) {
    return manifest.problems.map((problem) => ({ template: id, message: `template.json ${problem.path}: ${problem.message}` }));
  }
  const problems = [...checkStructure(template), ...checkDeclaredVariables(template)];
  const broken = new Set(problems.map((problem) => problem.channel));
  problems.push(...checkParses(template, renderer, broken));
  for (const channel of template.manifest.channels) {
    if (problems.some((problem) => problem.channel === channel)) continue;
    problems.push(...checkLocales(template, channel));
    for (const locale of localesOf(template, channel)) problems.push(...(await checkRender(template, channel, locale, renderer)));
  }
  return problems;
}

function checkStructure(template: CompiledTemplate): TemplateProblem[] {
  const { id, channels } = template.manifest;
  const problems: TemplateProblem[] = [];
  for (const part of Object.keys(template.parts)) {
    const spec = partSpec(part);
    if (spec === undefined) problems.push({ template: id, part, message: `"${part}" is not a known part` });
    else if (!channels.includes(spec.channel)) {
      problems.push({ template: id, channel: spec.channel, part, message: `template.json does not list ${spec.channel} in channels` });
    }
  }
  for (const channel of channels) {
    for (const part of partsOf(channel)) {
      const variants = template.parts[part] ?? {};
      if (partSpec(part)?.required && Object.keys(variants).length === 0) {
        problems.push({ template: id, channel, part, message: `missing ${sourceName(part)}` });
      } else if (partSpec(part)?.required && !Object.hasOwn(variants, DEFAULT_VARIANT)) {
        problems.push({ template: id, channel, part, message: `${sourceName(part)} needs a variant without a locale for everyone else` });
      }
    }
  }
  for (const pair of PAIRED_PARTS) {
    const present = pair.filter((part) => Object.keys(template.parts[part] ?? {}).length > 0);
    const channel = partSpec(pair[0])?.channel;
    if (present.length === 1 && channel !== undefined) {
      problems.push({ template: id, channel, part: present[0], message: `${pair.join(' and ')} come together: both or neither` });
    }
  }
  return problems;
}

function checkParses(template: CompiledTemplate, renderer: Renderer, skip: Set<Channel | undefined>): TemplateProblem[] {
  const id = template.manifest.id;
  const declared = [...template.manifest.variables, ...IMPLICIT_VARIABLES, ...implicitLinkVariables(template.manifest.category)];
  const problems: TemplateProblem[] = [];
  for (const [part, variants] of Object.entries(template.parts)) {
    const spec = partSpec(part);
    const channel = spec?.channel;
    // A derived part repeats its source's Liquid, whose problems are already reported there.
    if (channel === undefined || spec?.derived || skip.has(channel)) continue;
    for (const locale of Object.keys(variants)) {
      const at = { template: id, channel, locale, part };
      try {
        const parsed = renderer.parse(template, part, locale);
        for (const used of usedVariables(renderer.engineFor(part), parsed)) {
          if (covers('unsubscribe_url', used) && !declared.includes('unsubscribe_url')) {
            problems.push({ ...at, message: 'uses unsubscribe_url, which only marketing messages carry' });
          } else if (!declared.some((path) => covers(path, used))) {
            problems.push({ ...at, message: `uses ${used}, which template.json does not declare in variables` });
          }
        }
      } catch (error) {
        problems.push({ ...at, message: messageOf(error) });
      }
    }
  }
  return problems;
}

/** Declared variables must be in the sample data (so the sample render exercises them), and vice versa for data. */
function checkDeclaredVariables(template: CompiledTemplate): TemplateProblem[] {
  const { id, variables, sampleData } = template.manifest;
  const problems: TemplateProblem[] = [];
  for (const path of variables) {
    const [root, ...rest] = path.split('.');
    const sample: unknown = sampleData[root as keyof typeof sampleData];
    if (!hasPath(sample, rest)) problems.push({ template: id, message: `declares ${path}, but sampleData has no ${path}` });
  }
  for (const key of Object.keys(sampleData.data ?? {})) {
    if (!variables.some((path) => covers(path, `data.${key}`))) {
      problems.push({ template: id, message: `sampleData has data.${key}, which template.json does not declare in variables` });
    }
  }
  return problems;
}

/** Every part of one message speaks the same language, else a German SMS might get an English title. */
function checkLocales(template: CompiledTemplate, channel: Channel): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const textParts = partsOf(channel).filter((part) => !partSpec(part)?.url && template.parts[part] !== undefined);
  for (const locale of localesOf(template, channel, textParts)) {
    if (locale === DEFAULT_VARIANT) continue;
    for (const part of textParts) {
      const resolved = resolveVariant(template.parts[part] ?? {}, locale);
      if (resolved !== undefined && languageOf(resolved) !== languageOf(locale)) {
        const message = `has no "${languageOf(locale)}" variant, so ${locale} customers would get it in the default language`;
        problems.push({ template: template.manifest.id, channel, locale, part, message });
      }
    }
  }
  return problems;
}

async function checkRender(template: CompiledTemplate, channel: Channel, locale: LocaleKey, renderer: Renderer): Promise<TemplateProblem[]> {
  try {
    await renderer.render(template, channel, sampleScope(template, channel, locale), locale);
    return [];
  } catch (error) {
    if (error instanceof TemplateRenderError) return error.details;
    return [{ template: template.manifest.id, channel, locale, message: messageOf(error) }];
  }
}

/** The scope a real send would build, from the template's own sample data. */
export function sampleScope(template: CompiledTemplate, channel: Channel, locale: LocaleKey): RenderScope {
  const sample = template.manifest.sampleData;
  return {
    ...sampleLinks(template.manifest.category),
    customer: { id: 'sample-customer', ...sample.customer },
    data: sample.data ?? {},
    context: { sessionActive: false, ...sample.context, locale: locale === DEFAULT_VARIANT ? DEFAULT_LOCALE : locale },
    channel,
  };
}

function localesOf(template: CompiledTemplate, channel: Channel, parts = partsOf(channel)): LocaleKey[] {
  const keys = new Set(parts.flatMap((part) => Object.keys(template.parts[part] ?? {})));
  return [...keys].sort();
}

/** `data.cart` covers `data.cart.total` and the other way round: either names the value. */
function covers(declared: string, used: string): boolean {
  return declared === used || used.startsWith(`${declared}.`) || declared.startsWith(`${used}.`);
}

function hasPath(value: unknown, path: string[]): boolean {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== undefined;
}
