import { effectiveContext, type EffectiveContext } from '../context.js';
import type { LinkVariable } from '../links.js';
import type { Channel, Customer } from '../model.js';
import type { SendRequest } from '../request.js';

/** What a template sees. Addresses, tokens and consent are deliberately out of reach. */
export interface RenderScope {
  customer: Record<string, unknown>;
  data: Record<string, unknown>;
  context: EffectiveContext | Record<string, unknown>;
  channel: Channel;
  /** The customer's signed link to the preference centre; present when the template shows it. */
  preferences_url?: string;
  /** The signed one-click unsubscribe link of this message; marketing messages only. */
  unsubscribe_url?: string;
}

/** The signed links of one message, by the names templates use. */
export type MessageLinks = Pick<RenderScope, LinkVariable>;

export function buildScope(customer: Customer, request: SendRequest, channel: Channel, now: Date, links: MessageLinks = {}): RenderScope {
  return {
    ...links,
    customer: {
      ...customer.attributes,
      // Set after the attributes so an attribute can never impersonate the profile's own fields;
      // absent ones stay absent, so strict rendering reports them instead of printing nothing.
      id: customer.customerId,
      ...(customer.locale !== undefined ? { locale: customer.locale } : {}),
      ...(customer.timeZone !== undefined ? { timeZone: customer.timeZone } : {}),
    },
    data: request.data,
    context: effectiveContext(customer, request.context, now),
    channel,
  };
}
