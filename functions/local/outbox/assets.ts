import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/** The page's static files (page.html, page.css, page.js), read once; plain HTML, CSS and JS with no build step. */
export function asset(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}
