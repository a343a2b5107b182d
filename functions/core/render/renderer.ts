import type { Liquid, Template } from 'liquidjs';
import type { Channel } from '../model.js';
import type { CompiledTemplate, LocaleKey, PartName, RenderedByChannel, RenderedMessage } from '../templates.js';
import { emailText, withPreheader } from './email.js';
import { unsafeEmailLinks } from './email-links.js';
import { finishEmailText, markOutput } from './email-text.js';
import { createLiquidEngine, partRenderLimitMs } from './engine.js';
import { resolveVariant } from './locale.js';
import { DEFAULT_SMS_MAX_SEGMENTS } from './manifest.js';
import { partSpec, partsOf, sourceName } from './parts.js';
import { messageOf, TemplateRenderError, type TemplateProblem } from './problems.js';
import { APNS_MAX_PAYLOAD_BYTES, apnsPayloadBytes, deepLinkProblem } from './push.js';
import type { RenderScope } from './scope.js';
import { measureSms } from './sms.js';

export interface RendererOptions {
  /** The app's own URL scheme (e.g. `switchboard`): deep links may use it besides https. */
  appScheme?: string;
}

interface RenderedPart {
  text: string;
  locale: LocaleKey;
}
type RenderedParts = Map<PartName, RenderedPart>;

/**
 * Renders compiled templates. Parsed templates are cached per template, part and locale variant,
 * so after the first message a render does no parsing. Every failure is a TemplateRenderError
 * (a RenderError) listing each problem with its template, channel, locale and part.
 */
export class Renderer {
  readonly appScheme: string | undefined;
  private readonly textEngine: Liquid = createLiquidEngine({ html: false });
  private readonly htmlEngine: Liquid = createLiquidEngine({ html: true });
  private readonly emailTextEngine: Liquid = createLiquidEngine({ html: false, output: markOutput });
  private readonly parsed = new Map<string, { source: string; templates: Template[] }>();

  constructor(options: RendererOptions = {}) {
    const scheme = options.appScheme;
    if (scheme !== undefined && (!/^[a-z][a-z0-9+.-]*$/i.test(scheme) || /^(https?|javascript|data|file)$/i.test(scheme))) {
      throw new Error(`appScheme "${scheme}" is not an app's own URL scheme`);
    }
    this.appScheme = scheme;
  }

  async render<C extends Channel>(template: CompiledTemplate, channel: C, scope: RenderScope, locale: string): Promise<RenderedMessage<C>> {
    const id = template.manifest.id;
    if (!template.manifest.channels.includes(channel)) {
      throw new TemplateRenderError([{ template: id, channel, message: `the template does not offer ${channel}` }]);
    }
    const problems: TemplateProblem[] = [];
    const channelScope = { ...scope, channel };
    const parts = await this.renderParts(template, channel, channelScope, locale, problems);
    if (problems.length > 0) throw new TemplateRenderError(problems);
    const message = this.assemble(template, channel, channelScope, parts, problems);
    if (problems.length > 0) throw new TemplateRenderError(problems);
    return message as RenderedMessage<C>;
  }

  /** Parses one variant of a part (cached); throws liquidjs' own error when it does not parse. */
  parse(template: CompiledTemplate, part: PartName, locale: LocaleKey): Template[] {
    const source = template.parts[part]?.[locale];
    if (source === undefined) throw new Error(`${sourceName(part)} has no "${locale}" variant`);
    const key = `${template.manifest.id}\u0000${part}\u0000${locale}`;
    const cached = this.parsed.get(key);
    // A different source under the same key means a reloaded bundle: parse it afresh.
    if (cached?.source === source) return cached.templates;
    const templates = this.engineFor(part).parse(source);
    this.parsed.set(key, { source, templates });
    return templates;
  }

  engineFor(part: PartName): Liquid {
    const spec = partSpec(part);
    if (spec?.html) return this.htmlEngine;
    return spec?.derived ? this.emailTextEngine : this.textEngine;
  }

  private async renderParts(template: CompiledTemplate, channel: Channel, scope: RenderScope, locale: string, problems: TemplateProblem[]): Promise<RenderedParts> {
    const id = template.manifest.id;
    const rendered: RenderedParts = new Map();
    const limits = renderLimitsFor(channel);
    for (const part of partsOf(channel)) {
      const spec = partSpec(part);
      const variants = template.parts[part];
      const key = variants ? resolveVariant(variants, locale) : undefined;
      if (spec === undefined || key === undefined) {
        if (spec?.required) {
          const message = variants ? `no variant for locale ${locale} and no default` : `missing ${sourceName(part)}`;
          problems.push({ template: id, channel, part, message });
        }
        continue;
      }
      try {
        // No tag or filter of ours is asynchronous: the synchronous renderer skips a promise per node.
        const output: unknown = this.engineFor(part).renderSync(this.parse(template, part, key), scope, limits);
        const text = tidy(String(output), spec.singleLine, spec.html);
        if (text === '' && spec.required) {
          problems.push({ template: id, channel, locale: key, part, message: 'rendered empty' });
        } else if (text !== '') {
          rendered.set(part, { text, locale: key });
        }
      } catch (error) {
        problems.push({ template: id, channel, locale: key, part, message: messageOf(error) });
      }
    }
    return rendered;
  }

  /** Builds the channel's message from rendered parts, adding a problem for each broken rule. */
  private assemble(template: CompiledTemplate, channel: Channel, scope: RenderScope, parts: RenderedParts, problems: TemplateProblem[]): RenderedByChannel[Channel] {
    const id = template.manifest.id;
    const text = (part: PartName): string => parts.get(part)?.text ?? '';
    const problem = (part: PartName, message: string): void => {
      problems.push({ template: id, channel, locale: parts.get(part)?.locale, part, message });
    };
    const checkLink = (part: PartName): string | undefined => {
      const url = parts.get(part)?.text;
      const issue = url === undefined ? undefined : deepLinkProblem(url, this.appScheme);
      if (issue) problem(part, issue);
      return url;
    };

    switch (channel) {
      case 'email': {
        for (const issue of unsafeEmailLinks(text('email.html'), this.appScheme)) problem('email.html', issue);
        const preheader = parts.get('email.preheader')?.text;
        const html = preheader === undefined ? text('email.html') : withPreheader(text('email.html'), preheader);
        const plain = this.textPart(template, scope, parts.get('email.html')?.locale, html, problems);
        return { subject: text('email.subject'), ...(preheader !== undefined ? { preheader } : {}), html, text: plain };
      }
      case 'sms': {
        const body = text('sms');
        const measured = measureSms(body);
        const max = template.manifest.limits?.smsMaxSegments ?? DEFAULT_SMS_MAX_SEGMENTS;
        if (measured.segments > max) {
          const why = measured.encoding === 'UCS-2' ? ` (UCS-2 because of ${measured.nonGsmCharacters.join(' ')})` : '';
          problem('sms', `needs ${measured.segments} SMS segments${why}, at most ${max} allowed`);
        }
        return { body, encoding: measured.encoding, segments: measured.segments };
      }
      case 'push': {
        const url = checkLink('push.url');
        const push = { title: text('push.title'), body: text('push.body'), ...(url !== undefined ? { url } : {}) };
        const payloadBytes = apnsPayloadBytes(push);
        if (payloadBytes > APNS_MAX_PAYLOAD_BYTES) {
          problem('push.body', `the push payload is ${payloadBytes} bytes, at most ${APNS_MAX_PAYLOAD_BYTES} allowed`);
        }
        return { ...push, payloadBytes };
      }
      case 'in_app': {
        const label = parts.get('in_app.action_label')?.text;
        const url = checkLink('in_app.action_url');
        if ((label === undefined) !== (url === undefined)) {
          problem(label === undefined ? 'in_app.action_label' : 'in_app.action_url', 'an action needs both a label and a url');
        }
        const action = label !== undefined && url !== undefined ? { action: { label, url } } : {};
        return { title: text('in_app.title'), body: text('in_app.body'), ...action };
      }
    }
  }

  /**
   * The text part the build derived for the HTML's own variant, rendered without escaping (the
   * values are text); converting the rendered HTML instead costs more than the rest of a render,
   * so that is left to variants the build could not derive a text part for.
   */
  private textPart(template: CompiledTemplate, scope: RenderScope, locale: LocaleKey | undefined, html: string, problems: TemplateProblem[]): string {
    if (locale === undefined || template.parts['email.text']?.[locale] === undefined) return emailText(html);
    try {
      return finishEmailText(String(this.emailTextEngine.renderSync(this.parse(template, 'email.text', locale), scope, renderLimitsFor('email'))));
    } catch (error) {
      problems.push({ template: template.manifest.id, channel: 'email', locale, part: 'email.text', message: messageOf(error) });
      return '';
    }
  }
}

/** Lines that held only Liquid tags leave blank runs behind; one-line parts must never wrap. */
function tidy(output: string, singleLine: boolean, html: boolean): string {
  if (html) return output.trim();
  if (singleLine) return output.replace(/\s+/g, ' ').trim();
  return output
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Each part's share of the message's render budget; an email's text part, when written, takes one too. */
function renderLimitsFor(channel: Channel): { renderLimit: number } {
  const parts = partsOf(channel).length + (channel === 'email' ? 1 : 0);
  return { renderLimit: partRenderLimitMs(parts) };
}
