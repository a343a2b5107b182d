import type { HistoryEntry } from '../../core/history.js';
import type { CliOutput } from '../io.js';
import { paint, say, toneOf } from '../text.js';

/**
 * One delivery as `history`, `status` and `send --wait` print it: a headline (when, template,
 * status, channels, request id), the `why` lines and the timeline.
 */
export function printEntry(entry: HistoryEntry, out: CliOutput): void {
  // An escalation's channels came one after another; strategy `all` sent them together.
  const via = entry.channels?.join(entry.escalation ? ' → ' : ' + ') ?? entry.channel;
  const until = entry.deferredUntil ? ` until ${time(entry.deferredUntil)}` : '';
  const status = paint(out, toneOf(entry.status), entry.status);
  say(out, `${time(entry.createdAt)}  ${entry.template ?? '(no template)'}  ${status}${until}${via ? ` via ${via}` : ''}  [${entry.requestId}]`);
  if (entry.why.length > 0) {
    out.log(paint(out, 'heading', '  why'));
    for (const line of entry.why) say(out, `    ${line}`);
  }
  out.log(paint(out, 'heading', '  timeline'));
  for (const step of entry.timeline) {
    const row = [time(step.at), paint(out, toneOf(step.status), step.status.padEnd(11)), (step.channel ?? '').padEnd(6), step.detail ?? ''].join('  ').trimEnd();
    // Details wrap under the detail column: 4 + 20 (time) + 2 + 11 + 2 + 6 + 2.
    say(out, `    ${row}`, 47);
  }
}

/** An ISO instant as `2026-11-24 12:00:00Z`. */
export function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
