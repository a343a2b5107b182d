import { CHANNELS, type Channel } from '../core/model.js';
import type { TopicChoiceEdit } from '../core/preferences/edit.js';

/** The submit buttons: save the boxes, or also switch off every marketing topic on one channel. */
export type PageAction = 'save' | `no-marketing:${Channel}`;

export interface PageForm {
  token: string;
  action: PageAction;
  /** Only the boxes whose state differs from what the page showed. */
  changed: TopicChoiceEdit[];
}

/** A page posts a few hundred bytes per topic; far more is not our form. */
export const MAX_FORM_BYTES = 16 * 1024;
const MAX_FIELDS = 500;
const CELL = new RegExp(`^(${CHANNELS.join('|')}):([a-z0-9][a-z0-9-]{0,63})$`);

export function cellKey(channel: Channel, topic: string): string {
  return `${channel}:${topic}`;
}

/**
 * The page's form, `application/x-www-form-urlencoded`: `token`, `action`, one `shown` per box
 * (`<channel>:<topic>:on|off`, as the page showed it) and one `on` per ticked box. Boxes are
 * compared with what was shown, not with the record now, so saving never reverts a change made
 * elsewhere in the meantime. Fields that are not well formed are ignored.
 */
export function readPageForm(body: { body?: string | null; isBase64Encoded?: boolean }): PageForm | undefined {
  const raw = body.body ?? '';
  const text = body.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (text.length > MAX_FORM_BYTES || Buffer.byteLength(text, 'utf8') > MAX_FORM_BYTES) return undefined;
  const fields = [...new URLSearchParams(text)].slice(0, MAX_FIELDS);
  const value = (name: string) => fields.find(([key]) => key === name)?.[1];
  const token = value('token') ?? '';
  const action = readAction(value('action') ?? 'save');
  if (!action) return undefined;
  const ticked = new Set(fields.filter(([key]) => key === 'on').map(([, cell]) => cell));
  const changed: TopicChoiceEdit[] = [];
  const seen = new Set<string>();
  for (const [key, shown] of fields) {
    if (key !== 'shown') continue;
    const state = shown.slice(shown.lastIndexOf(':') + 1);
    const cell = shown.slice(0, shown.lastIndexOf(':'));
    const match = CELL.exec(cell);
    if (!match || (state !== 'on' && state !== 'off') || seen.has(cell)) continue;
    seen.add(cell);
    const subscribed = ticked.has(cell);
    if (subscribed !== (state === 'on')) changed.push({ channel: match[1] as Channel, topic: match[2] as string, subscribed });
  }
  return { token, action, changed };
}

function readAction(action: string): PageAction | undefined {
  if (action === 'save') return action;
  const channel = action.startsWith('no-marketing:') ? action.slice('no-marketing:'.length) : undefined;
  return (CHANNELS as readonly string[]).includes(channel ?? '') ? (action as PageAction) : undefined;
}
