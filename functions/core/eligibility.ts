import type { DecisionConfig } from './config.js';
import { checkConsent } from './consent.js';
import { type AddressState, type Category, type Channel, type Customer, E164, type ExcludedChannel, type Priority, type PushToken, type QuietHours } from './model.js';
import { isValidQuietHours, isWithinQuietHours, resolveTimeZone } from './quiet-hours.js';

export interface EligibilityInput {
  customer: Customer;
  channel: Channel;
  category: Category;
  topic: string;
  priority: Priority;
  now: Date;
}

export type Eligibility = { eligible: true; channel: Channel } | { eligible: false; excluded: ExcludedChannel };

/**
 * Whether one channel may carry this message to this customer. Checks run in a fixed order so the
 * recorded reason is the most fundamental one: consent, reachability, quiet hours. Frequency caps
 * are not judged here: they are counted atomically when a channel is about to be sent on.
 */
export function checkEligibility(input: EligibilityInput, config: DecisionConfig): Eligibility {
  const exclusion = standingExclusion(input) ?? quietHoursExclusion(input, config);
  return exclusion ? { eligible: false, excluded: exclusion } : { eligible: true, channel: input.channel };
}

/** What rules a channel out whatever the hour: consent, then reachability. Waiting never lifts these. */
export function standingExclusion(input: Omit<EligibilityInput, 'now' | 'priority'>): ExcludedChannel | undefined {
  return consentExclusion(input) ?? reachabilityExclusion(input.customer, input.channel);
}

/**
 * The customer's quiet hours where they apply: to channels that interrupt, and never to what the
 * customer must know now (transactional and high priority: a fraud alert, a delivery at the door).
 */
export function applicableQuietHours(input: Pick<EligibilityInput, 'customer' | 'channel' | 'category' | 'priority'>, config: DecisionConfig): QuietHours | undefined {
  if (!config.quietHourChannels.includes(input.channel)) return undefined;
  if (input.category === 'transactional' && input.priority === 'high') return undefined;
  return quietWindow(input.customer, config);
}

/** Push tokens worth sending to: everything not suppressed (absent status means active). */
export function livePushTokens(customer: Customer): PushToken[] {
  return (customer.push ?? []).filter((token) => Boolean(token.token) && isLive(token));
}

/** Whether the customer has an address (or token, or inbox) on this channel that can take a message. */
export function isReachable(customer: Customer, channel: Channel): boolean {
  return reachabilityExclusion(customer, channel) === undefined;
}

function isLive(address: AddressState): boolean {
  return address.status !== 'suppressed';
}

function consentExclusion({ customer, channel, category, topic }: Omit<EligibilityInput, 'now' | 'priority'>): ExcludedChannel | undefined {
  const verdict = checkConsent(customer.consent, channel, category, topic);
  return verdict.allowed ? undefined : { channel, reason: verdict.reason, detail: verdict.basis };
}

function reachabilityExclusion(customer: Customer, channel: Channel): ExcludedChannel | undefined {
  switch (channel) {
    case 'email': {
      const email = customer.email;
      if (!email?.address) return { channel, reason: 'NO_ADDRESS', detail: 'no email address on file' };
      return isLive(email) ? undefined : suppressed(channel, 'email address', email);
    }
    case 'sms': {
      const phone = customer.phone;
      if (!phone?.number) return { channel, reason: 'NO_ADDRESS', detail: 'no phone number on file' };
      if (!E164.test(phone.number)) return { channel, reason: 'NO_ADDRESS', detail: 'phone number is not in E.164 format' };
      return isLive(phone) ? undefined : suppressed(channel, 'phone number', phone);
    }
    case 'push': {
      const tokens = (customer.push ?? []).filter((token) => Boolean(token.token));
      if (tokens.length === 0) return { channel, reason: 'NO_ADDRESS', detail: 'no push token on file' };
      if (livePushTokens(customer).length > 0) return undefined;
      const reasons = [...new Set(tokens.map((token) => token.reason ?? 'unspecified'))].join(', ');
      return { channel, reason: 'ADDRESS_SUPPRESSED', detail: `all ${tokens.length} push token(s) suppressed (${reasons})` };
    }
    case 'in_app':
      return customer.inApp?.enabled === true ? undefined : { channel, reason: 'NO_ADDRESS', detail: 'in-app inbox not enabled' };
  }
}

function suppressed(channel: Channel, what: string, address: AddressState): ExcludedChannel {
  return { channel, reason: 'ADDRESS_SUPPRESSED', detail: `${what} suppressed (${address.reason ?? 'unspecified'})` };
}

function quietHoursExclusion(input: EligibilityInput, config: DecisionConfig): ExcludedChannel | undefined {
  const { customer, channel } = input;
  const window = applicableQuietHours(input, config);
  if (!window || !isWithinQuietHours(input.now, customer.timeZone, window)) return undefined;
  const zone = resolveTimeZone(customer.timeZone);
  const zoneNote = zone === customer.timeZone ? zone : `${zone} (time zone missing or unknown)`;
  return { channel, reason: 'QUIET_HOURS', detail: `quiet hours ${window.start}–${window.end} in ${zoneNote}` };
}

/** A malformed stored window falls back to the default rather than disabling quiet hours. */
function quietWindow(customer: Customer, config: DecisionConfig): QuietHours {
  const own = customer.preferences?.quietHours;
  return isValidQuietHours(own) ? own : config.defaultQuietHours;
}
