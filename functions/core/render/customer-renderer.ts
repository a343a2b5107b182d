import { messageClass } from '../decide.js';
import { codeOf, isRetryable } from '../errors.js';
import { type LinkSettings, type LinkVariable, preferencesUrl, unsubscribeUrl } from '../links.js';
import type { Channel, Customer } from '../model.js';
import type { SendRequest } from '../request.js';
import type { CompiledTemplate, RenderedMessage } from '../templates.js';
import { LinkVariableIndex } from './link-variables.js';
import { TemplateRenderError } from './problems.js';
import { Renderer } from './renderer.js';
import { buildScope, type MessageLinks } from './scope.js';

/**
 * Renders for a customer and a request: builds the scope and picks the locale variant from the
 * effective context (request locale, else the profile's, else the default). The signed links
 * (`preferences_url`, and `unsubscribe_url` on marketing messages) are made only for a message
 * whose parts show them. A message that shows a link it cannot get is not rendered: it fails as
 * a render problem, so the channel is given up and the next one tried, and no message ever goes
 * out with a dead or unsigned link.
 */
export class CustomerRenderer {
  private readonly linkUse: LinkVariableIndex;

  constructor(
    private readonly renderer: Renderer = new Renderer(),
    private readonly links?: LinkSettings,
  ) {
    this.linkUse = new LinkVariableIndex(renderer);
  }

  async render<C extends Channel>(template: CompiledTemplate, channel: C, customer: Customer, request: SendRequest, now: Date): Promise<RenderedMessage<C>> {
    const scope = buildScope(customer, request, channel, now);
    const locale = typeof scope.context.locale === 'string' ? scope.context.locale : '';
    const wanted = this.linkUse.used(template, channel, locale);
    const links = wanted.size === 0 ? {} : await this.sign(wanted, template, channel, request, now);
    return this.renderer.render(template, channel, { ...scope, ...links }, locale);
  }

  private async sign(wanted: ReadonlySet<LinkVariable>, template: CompiledTemplate, channel: Channel, request: SendRequest, now: Date): Promise<MessageLinks> {
    const refuse = (message: string) => new TemplateRenderError([{ template: template.manifest.id, channel, message }]);
    const names = [...wanted].sort().join(' and ');
    const { category, topic } = messageClass(request, template.manifest);
    if (wanted.has('unsubscribe_url') && category !== 'marketing') throw refuse('uses unsubscribe_url, which only marketing messages carry');
    if (!this.links) throw refuse(`uses ${names}, but this renderer has no link signer`);
    const { signer, preferencesBaseUrl, unsubscribeBaseUrl } = this.links;
    const { customerId, requestId } = request;
    try {
      const [preferences, unsubscribe] = await Promise.all([
        wanted.has('preferences_url') ? preferencesUrl(signer, preferencesBaseUrl, customerId, now) : undefined,
        wanted.has('unsubscribe_url') ? unsubscribeUrl(signer, unsubscribeBaseUrl, { requestId, customerId, topic }, now) : undefined,
      ]);
      return { ...(preferences ? { preferences_url: preferences } : {}), ...(unsubscribe ? { unsubscribe_url: unsubscribe } : {}) };
    } catch (error) {
      // Keys that cannot be read right now are worth another try of the whole request.
      if (isRetryable(error)) throw error;
      throw refuse(`uses ${names}, but links cannot be signed (${codeOf(error)})`);
    }
  }
}
