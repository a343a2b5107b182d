import type { MJMLParseError } from 'mjml-core';

export interface MjmlResult {
  html?: string;
  problems: string[];
}

/** A Liquid output or tag, as liquidjs delimits them. */
export const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

/**
 * Compiles MJML to HTML at build time, leaving the Liquid inside for send time. MJML is imported
 * lazily: it costs a third of a second, and nothing that only reads bundles should pay that.
 * `filePath` anchors `mj-include` to the template's own folder.
 */
export async function compileMjml(source: string, filePath: string): Promise<MjmlResult> {
  const { default: mjml2html } = await import('mjml');
  let result: { html: string; errors: MJMLParseError[] };
  try {
    // `soft` still yields HTML next to the errors, so the other checks can go on.
    result = await mjml2html(source, { validationLevel: 'soft', filePath, minifyOptions: { minifyCss: false } });
  } catch (error) {
    return { problems: [`MJML does not parse: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const problems = result.errors.map((error) => `line ${error.line}: ${error.message}`);
  if (/<mj-preview\b/i.test(source)) {
    problems.push('uses <mj-preview>: write the preheader in email.preheader.liquid, so it is also sent as text');
  }
  problems.push(...lostLiquid(source, result.html));
  return { html: result.html, problems };
}

/**
 * MJML silently drops anything between its elements, Liquid tags included, so a `{% for %}`
 * around `<mj-text>` would vanish and the loop body would render once, unlooped.
 */
function lostLiquid(source: string, html: string): string[] {
  const counts = (text: string): Map<string, number> => {
    const found = new Map<string, number>();
    for (const token of text.match(LIQUID) ?? []) found.set(token, (found.get(token) ?? 0) + 1);
    return found;
  };
  const compiled = counts(html);
  return [...counts(source)]
    .filter(([token, count]) => (compiled.get(token) ?? 0) < count)
    .map(([token]) => `${token} does not survive MJML compilation: put Liquid between MJML elements inside <mj-raw>`);
}
