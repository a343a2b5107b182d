import type { Channel } from '../model.js';
import type { PartName } from '../templates.js';

export interface PartSpec {
  channel: Channel;
  required: boolean;
  /** Collapsed to one line after rendering: headers, titles, labels and links never wrap. */
  singleLine: boolean;
  /** Rendered with the HTML-escaping engine. */
  html: boolean;
  /** Locale-independent, so a variant in another language than its siblings is fine. */
  url: boolean;
  /** Made by the build from another part, never written: no source file, no checks of its own. */
  derived: boolean;
}

const part = (channel: Channel, required: boolean, kind: 'line' | 'text' | 'html' | 'url' | 'derived'): PartSpec => ({
  channel,
  required,
  singleLine: kind === 'line' || kind === 'url',
  html: kind === 'html',
  url: kind === 'url',
  derived: kind === 'derived',
});

/** Every part a compiled template may hold (templates/README.md). */
export const PARTS: Readonly<Record<PartName, PartSpec>> = {
  'email.subject': part('email', true, 'line'),
  'email.preheader': part('email', false, 'line'),
  'email.html': part('email', true, 'html'),
  // The text alternative of email.html, as text Liquid (template compiler, email-text.ts).
  'email.text': part('email', false, 'derived'),
  sms: part('sms', true, 'text'),
  'push.title': part('push', true, 'line'),
  'push.body': part('push', true, 'text'),
  'push.url': part('push', false, 'url'),
  'in_app.title': part('in_app', true, 'line'),
  'in_app.body': part('in_app', true, 'text'),
  'in_app.action_label': part('in_app', false, 'line'),
  'in_app.action_url': part('in_app', false, 'url'),
};

/** Parts that come as a pair: both or neither. */
export const PAIRED_PARTS: ReadonlyArray<readonly [PartName, PartName]> = [['in_app.action_label', 'in_app.action_url']];

/** The source file a compiled part comes from, for messages marketers can act on. */
export const SOURCE_NAME: Readonly<Record<PartName, string>> = { 'email.html': 'email.mjml', 'email.text': 'email.mjml' };

export function partSpec(name: PartName): PartSpec | undefined {
  return Object.hasOwn(PARTS, name) ? PARTS[name] : undefined;
}

/** The parts a channel's files hold; derived parts are left out, they follow their source. */
export function partsOf(channel: Channel): PartName[] {
  return Object.keys(PARTS).filter((name) => PARTS[name]?.channel === channel && !PARTS[name].derived);
}

export function sourceName(name: PartName): string {
  return SOURCE_NAME[name] ?? name;
}
