import { PARTS } from '../core/render/parts.js';
import type { LocaleKey, PartName } from '../core/templates.js';

const LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

/**
 * Which file holds which part: `email.mjml` compiles to `email.html`, the rest are Liquid. A
 * derived part (the email's text) has no file, so `email.text.liquid` is not a part name.
 */
const SOURCE_FILES: ReadonlyArray<{ part: PartName; stem: string; ext: string }> = Object.keys(PARTS)
  .filter((part) => !PARTS[part]?.derived)
  .map((part) => (part === 'email.html' ? { part, stem: 'email', ext: 'mjml' } : { part, stem: part, ext: 'liquid' }))
  // Longest stem first, so `push.body.de` is the part `push.body`, never a locale of `push`.
  .sort((a, b) => b.stem.length - a.stem.length);

export type PartFile = { ok: true; part: PartName; locale: LocaleKey } | { ok: false; message: string };

/** `<part>[.<locale>].<ext>`, e.g. `sms.liquid`, `email.de.mjml`, `push.body.de-AT.liquid`. */
export function parsePartFileName(fileName: string): PartFile {
  for (const { part, stem, ext } of SOURCE_FILES) {
    if (!fileName.endsWith(`.${ext}`)) continue;
    const name = fileName.slice(0, -(ext.length + 1));
    if (name === stem) return { ok: true, part, locale: 'default' };
    if (name.startsWith(`${stem}.`)) {
      const locale = name.slice(stem.length + 1);
      if (LOCALE.test(locale)) return { ok: true, part, locale };
      if (!locale.includes('.')) return { ok: false, message: `${fileName}: "${locale}" is not a locale such as de or de-AT` };
    }
  }
  return {
    ok: false,
    message: `${fileName} is not a template part: expected <part>[.<locale>].liquid or email[.<locale>].mjml`,
  };
}
