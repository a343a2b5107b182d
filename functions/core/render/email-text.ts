import { toValue } from 'liquidjs';
import { wrapLines } from './wrap.js';

/** Line length of the text part, as html-to-text wraps it (EMAIL_TEXT_OPTIONS). */
export const EMAIL_TEXT_WIDTH = 78;

/**
 * The text part is derived at build time as Liquid that renders straight to text (the template
 * compiler's email-text.ts). Some of what html-to-text does depends on the values, so it cannot
 * be settled at build time: how whitespace around a value collapses, whether a line is left
 * empty, whether a link shows its address. The derived template carries marks for those, settled
 * after rendering by `finishEmailText`. They are Unicode noncharacters, which never stand for text.
 */
export const MARKS = {
  /** A space that merges with its neighbours and vanishes at either end of a line. */
  soft: '\uFDD0',
  /**
   * Ends a line that Liquid may leave empty: if it does, the whole line goes, as Liquid that
   * prints nothing between blocks leaves no line in the converted HTML.
   */
  line: '\uFDD1',
  /** A link: its text, then its address, then the end. */
  linkText: '\uFDD2',
  linkHref: '\uFDD3',
  linkEnd: '\uFDD4',
} as const;

/** What html-to-text treats as whitespace (its default `whitespaceCharacters`). */
const SPACE = /[ \t\r\n\f\u200b]+/g;
const SOFT = /\uFDD0/g;
const OTHER_MARKS = /[\uFDD1-\uFDD4]/g;
const LINK = /\uFDD2([^\uFDD2-\uFDD4]*)\uFDD3([^\uFDD2-\uFDD4]*)\uFDD4/g;
const WORD_BREAKS = /[ \t\r\n\f\u200b\uFDD0-\uFDD4]/g;
/** A line that held Liquid and kept nothing but spaces and marks. */
const EMPTIED_LINE = /^[ \uFDD0-\uFDD4]*\uFDD1[ \uFDD0-\uFDD4]*(?:\n|$)/gm;
/** Spaces of the template are single, so a run of them with a soft one starts at most one before it. */
const SOFT_RUN = / ?\uFDD0[ \uFDD0]*/g;

/**
 * liquidjs' `outputEscape` for the text part: the value as Liquid prints it, its whitespace
 * collapsed as html-to-text collapses it, soft at its ends where it meets the template's. Marks
 * in a value are not text: a soft one (from output the template captured) is a space, the rest
 * are dropped, so request data can never pose as template structure.
 */
export function markOutput(this: { context?: { memoryLimit?: { use(count: number): void } } }, value: unknown): string {
  const text = plain(value).replace(SOFT, ' ').replace(OTHER_MARKS, '');
  this.context?.memoryLimit?.use(text.length);
  return text.replace(SPACE, (run: string, at: number) => (at === 0 || at + run.length === text.length ? MARKS.soft : ' '));
}

/** How liquidjs turns an output into a string (its `stringify`, which it does not export). */
function plain(value: unknown): string {
  const resolved: unknown = toValue(value);
  if (typeof resolved === 'string') return resolved;
  if (resolved === null || resolved === undefined) return '';
  if (Array.isArray(resolved)) return resolved.map(plain).join('');
  return String(resolved);
}

/** Settles the marks of a rendered text part, then wraps, collapses blank runs and trims like `emailText`. */
export function finishEmailText(rendered: string, width: number = EMAIL_TEXT_WIDTH): string {
  const linked = rendered.includes(MARKS.linkText) ? rendered.replace(LINK, link) : rendered;
  const text = linked.replace(EMPTIED_LINE, '').replace(OTHER_MARKS, '').replace(SOFT_RUN, softSpace);
  return wrapLines(text, width)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * html-to-text's link rule (`hideLinkHrefIfSameAsText`): no address, or one that only points
 * within the page, leaves the text alone; an address equal to the text without its spaces is
 * not repeated; a link without text is its address; else `text [address]`. A soft space in the
 * address stands for the whitespace its value had there, which is all these rules look at.
 */
function link(_match: string, text: string, href: string): string {
  const address = href.replace(/^mailto:/, '');
  const plainAddress = address.replace(SOFT, ' ');
  if (plainAddress === '' || plainAddress.startsWith('#')) return text;
  const words = text.replace(WORD_BREAKS, '');
  if (words === plainAddress) return text;
  return words === '' ? `${text}${address}` : `${text}${MARKS.soft}[${address}]`;
}

/** A run of spaces with a soft one is one space, or none at either end of a line. */
function softSpace(run: string, at: number, text: string): string {
  const end = at + run.length;
  return at === 0 || text[at - 1] === '\n' || end === text.length || text[end] === '\n' ? '' : ' ';
}
