import { compile, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { EMAIL_TEXT_OPTIONS } from '../core/render/email.js';
import { EMAIL_TEXT_WIDTH, MARKS } from '../core/render/email-text.js';

/**
 * Marks only the derivation uses, next to the send-time ones in MARKS. `lineBreak` ends a line
 * broken by `<br>`; `soleLine` starts a block's whole text when that is one line.
 */
export const DERIVE_MARKS = { lineBreak: '\uFDD5', soleLine: '\uFDD6' } as const;

/** Every mark either stage uses: the HTML must hold none of them. */
export const ANY_MARK = /[\uFDD0-\uFDD6]/;

/**
 * html-to-text as `emailText` sets it up, but without wrapping and leaving marks where the text
 * depends on values: a link's text and address, so whether the address shows can be decided at
 * send time; line breaks and one-line blocks, which decide what an emptied line leaves behind.
 */
export function deriveConverter(): (html: string) => string {
  return (derive ??= compile({
    ...EMAIL_TEXT_OPTIONS,
    wordwrap: false,
    formatters: { ...EMAIL_TEXT_OPTIONS.formatters, markedLink, markedBreak, markedBlock, markedHeading },
    selectors: [
      ...(EMAIL_TEXT_OPTIONS.selectors ?? []),
      { selector: 'a', format: 'markedLink' },
      { selector: 'br', format: 'markedBreak' },
      ...['div', 'p', 'td', 'article', 'aside', 'footer', 'form', 'header', 'main', 'nav', 'section'].map((selector) => ({
        selector,
        format: 'markedBlock',
      })),
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, format: 'markedHeading' })),
    ],
  }));
}
let derive: ((html: string) => string) | undefined;

/** `emailText`'s own conversion at a given line length, to compare the derived text with. */
export function referenceConverter(width: number): (html: string) => string {
  let convert = references.get(width);
  if (convert === undefined) {
    const options: HtmlToTextOptions = { ...EMAIL_TEXT_OPTIONS, wordwrap: width };
    convert = compile(width === EMAIL_TEXT_WIDTH ? EMAIL_TEXT_OPTIONS : options);
    references.set(width, convert);
  }
  return convert;
}
const references = new Map<number, (html: string) => string>();

const markedLink: FormatCallback = (element, walk, builder) => {
  // html-to-text types a node's attributes as `any`; its parser gives strings.
  const href = (element.attribs as Partial<Record<string, string>> | undefined)?.['href'];
  if (!href) {
    walk(element.children, builder);
    return;
  }
  builder.addInline(MARKS.linkText, { noWordTransform: true });
  walk(element.children, builder);
  builder.addLiteral(`${MARKS.linkHref}${href.replace(/\n/g, ' ')}${MARKS.linkEnd}`);
};

const markedBreak: FormatCallback = (_element, _walk, builder) => {
  builder.addLiteral(DERIVE_MARKS.lineBreak);
  builder.addLineBreak();
};

/** A block left empty still stands apart from its neighbours by blank lines; a bare tag does not. */
const soleLine = (text: string): string => (text === '' || text.includes('\n') ? text : DERIVE_MARKS.soleLine + text);

// html-to-text's block, paragraph and heading formatters, with the mark added.
const markedBlock: FormatCallback = (element, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks || 2 });
  walk(element.children, builder);
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks || 2, blockTransform: soleLine });
};

const markedHeading: FormatCallback = (element, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks || 2 });
  if (options.uppercase !== false) builder.pushWordTransform((word) => word.toUpperCase());
  walk(element.children, builder);
  if (options.uppercase !== false) builder.popWordTransform();
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks || 2, blockTransform: soleLine });
};
