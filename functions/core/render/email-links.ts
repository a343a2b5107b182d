import { clipText } from '../problem-bounds.js';

/** Schemes a link or image in an email may use, besides the app's own; http is still common in mail. */
const EMAIL_SCHEMES = ['https', 'http', 'mailto', 'tel'];

/**
 * Attributes a mail client follows or loads. The name may follow a space, a slash or the quote
 * that closed the previous value, as browsers read it; the value is quoted or not.
 */
const URL_ATTRIBUTE = /[\s/"'](href|src|action|formaction|background|poster|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const CHARACTER_REFERENCE = /&(?:#(\d+)|#x([0-9a-f]+)|(colon|Tab|NewLine));?/gi;
const NAMED: Record<string, string> = { colon: ':', tab: '\t', newline: '\n' };
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** Enough to say what is wrong; a loop over request data could otherwise list thousands. */
const MAX_LISTED = 3;
const MAX_URL_SHOWN = 100;

/**
 * Links and images of a rendered email whose address names a scheme other than https:, http:,
 * mailto:, tel: or the app's own. HTML escaping keeps request data inside its attribute, but a
 * value such as `javascript:…` is still a working link there; push and in-app refuse such links,
 * and so does email. An address without a scheme (a fragment, a relative path) is left alone.
 */
export function unsafeEmailLinks(html: string, appScheme: string | undefined): string[] {
  const allowed = appScheme === undefined ? EMAIL_SCHEMES : [...EMAIL_SCHEMES, appScheme.toLowerCase()];
  const problems: string[] = [];
  let unsafe = 0;
  for (const match of html.matchAll(URL_ATTRIBUTE)) {
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    const scheme = schemeOf(value);
    if (scheme === undefined || allowed.includes(scheme)) continue;
    unsafe++;
    if (problems.length < MAX_LISTED) {
      const attribute = (match[1] as string).toLowerCase();
      // Quoted as JSON, so a tab or newline hidden in the address shows in the message.
      problems.push(`${attribute} ${JSON.stringify(clipText(value, MAX_URL_SHOWN))} uses ${scheme}:, but an email may only link to ${allowed.map((s) => `${s}:`).join(', ')}`);
    }
  }
  if (unsafe > problems.length) problems.push(`and ${unsafe - problems.length} more links like these`);
  return problems;
}

/** The scheme a browser would read: character references decoded, tabs and newlines dropped, leading blanks ignored. */
function schemeOf(value: string): string | undefined {
  const decoded = value.includes('&') ? value.replace(CHARACTER_REFERENCE, decodeReference) : value;
  const url = decoded.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  return SCHEME.exec(url)?.[1]?.toLowerCase();
}

function decodeReference(reference: string, decimal: string | undefined, hex: string | undefined, name: string | undefined): string {
  if (name !== undefined) return NAMED[name.toLowerCase()] ?? reference;
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
}
