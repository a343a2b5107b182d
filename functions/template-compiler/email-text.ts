import { visiblePart } from '../core/render/email.js';
import { EMAIL_TEXT_WIDTH, finishEmailText, MARKS, markOutput } from '../core/render/email-text.js';
import { createLiquidEngine } from '../core/render/engine.js';
import { ANY_MARK, DERIVE_MARKS, deriveConverter, referenceConverter } from './email-text-converter.js';
import { markupRanges, splitLiquid } from './liquid-in-html.js';
import { LIQUID } from './mjml.js';

export type DerivedText = { ok: true; text: string } | { ok: false; reason: string };

/**
 * A line length at which layouts that wrap differently from plain lines show it even in short
 * copy, so the layout check below sees them.
 */
const NARROW = 24;

/**
 * html-to-text indents what wraps in lists and quotes, keeps preformatted text as it is and may
 * break a word at `<wbr>`; the send-time wrap knows plain lines only, so none of these may be in
 * the email, whether or not they hold Liquid (a value elsewhere can move them to a new line).
 */
const INDENTED = /<(ul|ol|blockquote|pre|wbr)\b/i;

let checkEngine: ReturnType<typeof createLiquidEngine> | undefined;

/**
 * The text part of compiled email HTML as Liquid that renders straight to text, so a send only
 * renders a small template instead of converting the whole email with html-to-text.
 *
 * Each Liquid tag and output is swapped for an opaque word, the HTML converted as `emailText`
 * would, and the Liquid put back where its word landed. That is only right when the conversion
 * kept every word of Liquid in the copy, once and in order (a heading may uppercase it, a table
 * move it), and when the result, its words taken as values, reads as the conversion does;
 * otherwise the reason comes back and the variant keeps converting at send time.
 */
export function deriveEmailText(html: string): DerivedText {
  if (ANY_MARK.test(html)) return { ok: false, reason: 'the HTML holds Unicode noncharacters, which the text part uses as marks' };
  const { statics, liquid } = splitLiquid(html);
  const nonce = nonceFor(html);
  const word = (index: number): string => `${nonce}${index}${nonce}`;
  const words = new RegExp(`${nonce}(\\d+)${nonce}`, 'g');
  const wordHtml = statics.map((text, index) => (index < liquid.length ? text + word(index) : text)).join('');

  const shown = visiblePart(wordHtml);
  if (INDENTED.test(shown)) return { ok: false, reason: 'it has a list, a quote or preformatted text, whose wrapping the text part cannot follow' };
  const converted = deriveConverter()(shown);
  const kept = [...converted.matchAll(words)].map((match) => Number(match[1]));
  const misplaced = misplacedLiquid(wordHtml, liquid, kept, word);
  if (misplaced !== undefined) {
    return { ok: false, reason: `${misplaced} does not come through the conversion as written (uppercased in a heading, or moved out of a table, say)` };
  }

  const marked = markLines(converted, words, new RegExp(` (?=${words.source}|[\\uFDD2-\\uFDD4])|(?<=${words.source}|[\\uFDD2-\\uFDD4]) `, 'g'));
  for (const width of [EMAIL_TEXT_WIDTH, NARROW]) {
    const expected = referenceConverter(width)(shown)
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    if (finishEmailText(marked, width) !== expected) {
      return { ok: false, reason: 'its layout (a horizontal rule, say) does not read the same when wrapped at send time' };
    }
  }

  const text = marked.replace(words, (_found, index: string) => liquid[Number(index)] ?? '');
  const restored = kept.map((index) => liquid[index]);
  const reread = text.match(LIQUID) ?? [];
  if (reread.length !== restored.length || reread.some((token, index) => token !== restored[index])) {
    return { ok: false, reason: 'text next to its Liquid would read as Liquid (braces written as entities, say)' };
  }
  try {
    checkEngine ??= createLiquidEngine({ html: false, output: markOutput });
    checkEngine.parse(text);
  } catch (error) {
    return { ok: false, reason: `the Liquid left in the text does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, text };
}

/**
 * Puts the send-time marks on the converted text: soft spaces next to Liquid and links, and the
 * end mark on lines that hold Liquid and may go when it leaves them empty. A line stays when a
 * `<br>` ends it or the one before, or when it is a block's whole text: the converted HTML keeps
 * an empty line there too.
 */
function markLines(converted: string, words: RegExp, softSpaces: RegExp): string {
  const lines = converted.split('\n');
  return lines
    .map((line, index) => {
      const broken = line.endsWith(DERIVE_MARKS.lineBreak) || (lines[index - 1]?.endsWith(DERIVE_MARKS.lineBreak) ?? false);
      const sole = line.startsWith(DERIVE_MARKS.soleLine);
      const text = line
        .replace(/ ?\uFDD5$/, '')
        .replace(/^\uFDD6+/, '')
        .replace(softSpaces, MARKS.soft);
      return text + (!broken && !sole && text.search(words) >= 0 ? MARKS.line : '');
    })
    .join('\n');
}

/**
 * The first Liquid of the copy that the conversion lost, repeated or moved. Liquid inside a tag
 * (an attribute), a comment or the head may vanish, as it never reaches the text, or show up
 * where html-to-text puts it (a link's address after its text, an image's alt text), once.
 */
function misplacedLiquid(wordHtml: string, liquid: string[], kept: number[], word: (index: number) => string): string | undefined {
  const hidden = markupRanges(wordHtml);
  const inCopy = liquid.map((_token, index) => {
    const position = wordHtml.indexOf(word(index));
    return !hidden.some(([start, end]) => position >= start && position < end);
  });
  const seen = new Set<number>();
  let last = -1;
  for (const index of kept) {
    if (seen.has(index)) return liquid[index];
    seen.add(index);
    if (!inCopy[index]) continue;
    if (index < last) return liquid[index];
    last = index;
  }
  const lost = inCopy.findIndex((copy, index) => copy && !seen.has(index));
  return lost < 0 ? undefined : liquid[lost];
}

/** Letters that occur nowhere in the HTML, so the opaque words cannot be confused with copy. */
function nonceFor(html: string): string {
  const lower = html.toLowerCase();
  for (let attempt = 0; ; attempt++) {
    const nonce = `lqz${attempt === 0 ? '' : attempt.toString(36)}q`;
    if (!lower.includes(nonce)) return nonce;
  }
}
