import { LIQUID } from './mjml.js';

/**
 * HTML with Liquid in it, as the text between Liquid (`statics`, one more than `liquid`) and
 * the Liquid itself. Whitespace control is applied here, as Liquid would: `{{-` and `{%-` take
 * the whitespace before them, `-}}` and `-%}` the whitespace after; the dashes are then dropped,
 * because around text that has been reflowed they would take away line breaks instead.
 */
export function splitLiquid(html: string): { statics: string[]; liquid: string[] } {
  const statics: string[] = [];
  const liquid: string[] = [];
  let from = 0;
  for (const match of html.matchAll(LIQUID)) {
    statics.push(html.slice(from, match.index));
    liquid.push(match[0]);
    from = match.index + match[0].length;
  }
  statics.push(html.slice(from));
  liquid.forEach((token, index) => {
    if (/^\{[{%]-/.test(token)) statics[index] = (statics[index] ?? '').trimEnd();
    if (/-[}%]\}$/.test(token)) statics[index + 1] = (statics[index + 1] ?? '').trimStart();
    liquid[index] = token.replace(/^(\{[{%])-/, '$1').replace(/-([}%]\})$/, '$1');
  });
  return { statics, liquid };
}

/**
 * Where in a document text never comes from: the head, comments, the inside of tags (names and
 * attributes), style and script elements. As [start, end) offsets.
 */
export function markupRanges(html: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const body = html.search(/<body\b/i);
  if (body > 0) ranges.push([0, body]);
  for (const match of html.matchAll(/<!--[\s\S]*?-->|<(style|script)\b[\s\S]*?<\/\1\s*>|<[a-z/!?][^>]*>/gi)) {
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}
