import { stripVTControlCharacters, styleText } from 'node:util';
import type { DeliveryStatus } from '../core/model.js';
import type { CliOutput } from './io.js';

export type Tone = 'good' | 'bad' | 'waiting' | 'heading' | 'quiet';

const STYLES = {
  good: 'green',
  bad: 'red',
  waiting: 'yellow',
  heading: 'bold',
  quiet: 'dim',
} as const satisfies Record<Tone, Parameters<typeof styleText>[0]>;

/** `text` in the tone's colour when the output takes colour, else as it is. */
export function paint(out: Pick<CliOutput, 'colour'>, tone: Tone, text: string): string {
  // Whether to colour is decided once, by `takesColour`; styleText must not decide again.
  return out.colour ? styleText(STYLES[tone], text, { validateStream: false }) : text;
}

const GOOD: readonly DeliveryStatus[] = ['SENT', 'DELIVERED', 'OPENED', 'CLICKED'];
const BAD: readonly DeliveryStatus[] = ['REJECTED', 'RENDER_FAILED', 'FAILED', 'BOUNCED', 'COMPLAINED'];

/** Reached a person, went wrong, or neither (yet): accepted, deferred, suppressed, expired. */
export function toneOf(status: DeliveryStatus): Tone {
  if (GOOD.includes(status)) return 'good';
  if (BAD.includes(status)) return 'bad';
  return 'waiting';
}

/** Narrower than this, a hanging indent leaves too little room: lines are left as they are. */
const MIN_WIDTH = 30;

/**
 * A line cut at spaces to fit `width` columns (colour codes take none); continuation lines
 * start at `hang` columns, by default two past the line's own indent. A word wider than the
 * line (a URL) is kept whole. No width, no wrapping: output into a pipe stays one line per line.
 */
export function wrap(line: string, width: number | undefined, hang?: number): string[] {
  if (width === undefined || width < MIN_WIDTH || visibleLength(line) <= width) return [line];
  const lead = /^ */.exec(line)?.[0] ?? '';
  const indent = ' '.repeat(Math.min(hang ?? lead.length + 2, Math.floor(width / 2)));
  const lines: string[] = [];
  let current = lead;
  let filled = false;
  for (const [, gap = '', word = ''] of line.slice(lead.length).matchAll(/(\s*)(\S+)/g)) {
    if (filled && visibleLength(current) + gap.length + visibleLength(word) > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current += gap + word;
    }
    filled = true;
  }
  lines.push(current);
  return lines;
}

/** Writes readable text, each of its lines wrapped to the terminal. */
export function say(out: CliOutput, text: string, hang?: number): void {
  for (const line of text.split('\n')) for (const part of wrap(line, out.width, hang)) out.log(part);
}

function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}
