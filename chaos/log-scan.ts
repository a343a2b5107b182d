import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Population } from './population.js';

export interface LogScan {
  lines: number;
  /** One entry per line that gives something away, with what it gave away (masked). */
  leaks: { line: number; what: string }[];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+?\d{10,15}/g;
const TOKEN = /tok[0-9a-f]{32}/g;
/** The markers rendered into bodies, and phrases only a rendered template contains. */
const BODY = /ZQ[0-9A-Z]{8}|is waiting in your cart|left our warehouse with|your cart is saved|We saved your cart/;

/** Reads every handler log line and reports the seeded customers' addresses, numbers and tokens, and rendered text. */
export async function scanLogs(path: string, people: Population): Promise<LogScan> {
  const leaks: LogScan['leaks'] = [];
  let lines = 0;
  const reader = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of reader) {
    lines++;
    const found = new Set<string>();
    for (const match of line.match(EMAIL) ?? []) if (people.secrets.emails.has(match)) found.add('email address');
    for (const match of line.match(PHONE) ?? []) if (people.secrets.phones.has(match.startsWith('+') ? match : `+${match}`)) found.add('phone number');
    for (const match of line.match(TOKEN) ?? []) if (people.secrets.tokens.has(match)) found.add('push token');
    if (BODY.test(line)) found.add('rendered body');
    if (found.size > 0) leaks.push({ line: lines, what: [...found].join(', ') });
  }
  return { lines, leaks };
}
