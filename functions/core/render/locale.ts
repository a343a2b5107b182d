import type { LocaleKey } from '../templates.js';

export const DEFAULT_VARIANT: LocaleKey = 'default';

/** `de-AT` → [`de-at`, `de`, `default`]: the most specific variant first, lower-cased. */
export function localeChain(locale: string): string[] {
  const subtags = locale
    .toLowerCase()
    .split('-')
    .filter((tag) => tag.length > 0);
  const chain: string[] = [];
  for (let length = subtags.length; length > 0; length -= 1) chain.push(subtags.slice(0, length).join('-'));
  if (!chain.includes(DEFAULT_VARIANT)) chain.push(DEFAULT_VARIANT);
  return chain;
}

/** The variant key of `variants` a customer with `locale` gets, matching case-insensitively. */
export function resolveVariant(variants: Record<LocaleKey, string>, locale: string): LocaleKey | undefined {
  const byLowerKey = new Map(Object.keys(variants).map((key) => [key.toLowerCase(), key]));
  for (const candidate of localeChain(locale)) {
    const key = byLowerKey.get(candidate);
    if (key !== undefined) return key;
  }
  return undefined;
}

/** The language subtag (`de` of `de-AT`), or `default` for the variant without a locale. */
export function languageOf(key: LocaleKey): string {
  return key === DEFAULT_VARIANT ? DEFAULT_VARIANT : (key.toLowerCase().split('-')[0] ?? key);
}
