import { Output, type Template } from 'liquidjs';
import { sampleScope } from '../core/render/checks.js';
import { visiblePart } from '../core/render/email.js';
import { parseManifest } from '../core/render/manifest.js';
import type { TemplateProblem } from '../core/render/problems.js';
import type { Renderer } from '../core/render/renderer.js';
import { usedVariables } from '../core/render/variables.js';
import type { CompiledTemplate, LocaleKey } from '../core/templates.js';

const VARIABLE = 'preferences_url';

/** Stands in for the signed link: on a reserved domain, so no copy can contain it by chance. */
const SENTINEL = 'https://preference-centre.invalid/link-check';

/** An opening `<a>` tag, quoted attribute values allowed to hold `>`. */
const ANCHOR = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const HREF = /[\s"']href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;

/**
 * A marketing email must let the customer manage what they get, so every variant of its HTML
 * must link `{{ preferences_url }}`, for every customer.
 *
 * Each variant is rendered from the sample data with a sentinel in place of the link, and the
 * sentinel must come back inside the href of an `<a>` in the visible body. Reading the variable
 * in the parse tree, or finding its text in the source, would also accept it in a Liquid or HTML
 * comment, in the copy, in an image, or in a branch that never renders; the render sees what a
 * customer gets, after MJML, escaping and filters. A render follows only the sample's branches,
 * so the link must also be output at the top level of the template, outside every `if`, `for`
 * or other block, where no condition can take it away from some customers.
 */
export function checkPreferencesLink(template: CompiledTemplate, renderer: Renderer): TemplateProblem[] {
  const { manifest } = template;
  if (manifest.category !== 'marketing' || !manifest.channels.includes('email') || !parseManifest(manifest).ok) return [];
  const problems: TemplateProblem[] = [];
  for (const locale of Object.keys(template.parts['email.html'] ?? {})) {
    const message = variantProblem(template, locale, renderer);
    if (message !== undefined) problems.push({ template: manifest.id, channel: 'email', locale, part: 'email.html', message });
  }
  return problems;
}

function variantProblem(template: CompiledTemplate, locale: LocaleKey, renderer: Renderer): string | undefined {
  const engine = renderer.engineFor('email.html');
  let parsed: Template[];
  let html: string;
  try {
    parsed = renderer.parse(template, 'email.html', locale);
    const scope = { ...sampleScope(template, 'email', locale), [VARIABLE]: SENTINEL };
    html = String(engine.renderSync(parsed, scope));
  } catch {
    // A variant that does not parse or render is reported as such by the other checks.
    return undefined;
  }
  if (!linksSentinel(html)) {
    return `has no link to {{ ${VARIABLE} }}: a marketing email must let the customer choose what they get, e.g. <a href="{{ ${VARIABLE} }}">Choose what we send you</a> in the footer`;
  }
  const unconditional = parsed.some((node) => node instanceof Output && usedVariables(engine, [node]).includes(VARIABLE));
  if (!unconditional) {
    return `links {{ ${VARIABLE} }} only inside an {% if %}, {% for %} or other block, so some customers could get none: put the footer link outside it`;
  }
  return undefined;
}

function linksSentinel(html: string): boolean {
  for (const [tag] of visiblePart(html).matchAll(ANCHOR)) {
    const match = HREF.exec(tag.slice(2));
    const href = match?.[1] ?? match?.[2] ?? match?.[3];
    if (href?.includes(SENTINEL)) return true;
  }
  return false;
}
