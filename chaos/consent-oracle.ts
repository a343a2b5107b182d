import type { Category, Channel, ConsentBook, ConsentEntry } from '../functions/core/model.js';

/**
 * The consent rules as the README states them, written apart from the code they check: a channel
 * opt-out blocks everything on it, a topic opt-out blocks the topic, marketing needs an opt-in
 * for the topic or for every topic, transactional passes otherwise.
 */
export function consentAllows(book: ConsentBook | undefined, channel: Channel, category: Category, topic: string): boolean {
  const entries = book?.[channel] ?? {};
  const every = valueOf(entries['*']);
  const own = valueOf(entries[topic]);
  if (every === 'opt_out' || own === 'opt_out') return false;
  if (category === 'marketing') return own === 'opt_in' || every === 'opt_in';
  return true;
}

function valueOf(entry: ConsentEntry | undefined): string | undefined {
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? entry : entry.value;
}
