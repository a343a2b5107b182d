import { compile, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { EMAIL_TEXT_WIDTH } from './email-text.js';

const PREHEADER_CLASS = 'preheader';

/** A linked image stands for its alt text, so a linked logo reads "Fernhill [url]", not a bare URL. */
const altText: FormatCallback = (element, _walk, builder) => {
  // html-to-text types a node's attributes as `any`; its parser gives strings.
  const alt = (element.attribs as Partial<Record<string, string>> | undefined)?.['alt'];
  if (alt && insideLink(element)) builder.addInline(alt);
};

function insideLink(element: { parent?: unknown }): boolean {
  for (let node = element.parent as { name?: string; parent?: unknown } | null | undefined; node; node = node.parent as typeof node) {
    if (node.name === 'a') return true;
  }
  return false;
}

export const EMAIL_TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: EMAIL_TEXT_WIDTH,
  formatters: { altText },
  selectors: [
    { selector: `.${PREHEADER_CLASS}`, format: 'skip' },
    { selector: 'img', format: 'altText' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    // MJML lays out with tables; cells as blocks keep item and price apart in the text part.
    { selector: 'td', format: 'block' },
  ],
};

/**
 * Compiling the options builds a selector decision tree, which costs more than converting a
 * whole email: done once per process, on first use so it stays out of the cold start.
 */
let toText: ((html: string) => string) | undefined;

/** The plain-text alternative of an email, generated from its rendered HTML. */
export function emailText(html: string): string {
  toText ??= compile(EMAIL_TEXT_OPTIONS);
  return toText(visiblePart(html))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The head (styles) and comments (MJML's Outlook-only markup) never reach the text part, yet
 * parsing them is close to half the conversion: cut them with two cheap string scans first.
 */
export function visiblePart(html: string): string {
  const body = html.search(/<body\b/i);
  return (body < 0 ? html : html.slice(body)).replace(/<!--[\s\S]*?-->/g, '');
}

/**
 * Puts the preheader where inbox previews look for it: first in the body, hidden from view.
 * The text was rendered without escaping (it is also sent as plain text), so it is escaped here.
 */
export function withPreheader(html: string, preheader: string): string {
  const hidden =
    `<div class="${PREHEADER_CLASS}" style="display:none;font-size:1px;color:#ffffff;line-height:1px;` +
    `max-height:0px;max-width:0px;opacity:0;overflow:hidden;mso-hide:all;">${escapeHtml(preheader)}</div>`;
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return hidden + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + hidden + html.slice(at);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
