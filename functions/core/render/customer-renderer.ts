import type { Channel, Customer } from '../model.js';
import type { SendRequest } from '../request.js';
import type { CompiledTemplate, RenderedMessage } from '../templates.js';
import { Renderer } from './renderer.js';
import { buildScope } from './scope.js';

/**
 * Renders for a customer and a request: builds the scope and picks the locale variant from the
 * effective context (request locale, else the profile's, else the default).
 */
export class CustomerRenderer {
  constructor(private readonly renderer: Renderer = new Renderer()) {}

  render<C extends Channel>(
    template: CompiledTemplate,
    channel: C,
    customer: Customer,
    request: SendRequest,
    now: Date,
  ): Promise<RenderedMessage<C>> {
    const scope = buildScope(customer, request, channel, now);
    const locale = typeof scope.context.locale === 'string' ? scope.context.locale : '';
    return this.renderer.render(template, channel, scope, locale);
  }
}
