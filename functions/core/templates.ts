import type { Channel } from './model.js';
import type { TemplateManifest } from './render/manifest.js';
import type { TopicRegistry } from './topics.js';

export type { TemplateManifest };

/**
 * Part names as they appear in file names: `email.subject`, `email.preheader`, `email.html`
 * (compiled from `email.mjml` at build time, Liquid left intact), `sms`, `push.title`,
 * `push.body`, `push.url`, `in_app.title`, `in_app.body`, `in_app.action_label`, `in_app.action_url`.
 * `email.text` has no file: the build derives it from `email.html` (the text part, as Liquid).
 */
export type PartName = string;
/** Locale tag of a variant (`de`, `de-AT`), or `default` for the file without a locale. */
export type LocaleKey = string;

export interface CompiledTemplate {
  manifest: TemplateManifest;
  parts: Record<PartName, Record<LocaleKey, string>>;
}

/** What the build step writes and the template store loads once per cold start. */
export interface TemplateBundle {
  formatVersion: 1;
  templates: Record<string, CompiledTemplate>;
  /** `templates/topics.json`, checked; every bundle the build writes has it. */
  topics?: TopicRegistry;
}

export interface RenderedEmail {
  subject: string;
  preheader?: string;
  html: string;
  text: string;
}
export type SmsEncoding = 'GSM-7' | 'UCS-2';
export interface RenderedSms {
  body: string;
  encoding: SmsEncoding;
  segments: number;
}
export interface RenderedPush {
  title: string;
  body: string;
  url?: string;
  /** Size of the APNs payload this message produces, checked against the 4 KB limit. */
  payloadBytes: number;
}
export interface RenderedInApp {
  title: string;
  body: string;
  action?: { label: string; url: string };
}
export interface RenderedByChannel {
  email: RenderedEmail;
  sms: RenderedSms;
  push: RenderedPush;
  in_app: RenderedInApp;
}
export type RenderedMessage<C extends Channel = Channel> = RenderedByChannel[C];
