import { countedEvidence } from '../core/learning/evidence.js';
import { type Channel, CHANNELS, type Customer } from '../core/model.js';
import { type SimulatedCustomer, type SimulatedRequest, trueChance } from './world.js';

export const POLICIES = ['switchboard', 'fixed-order', 'engagement-ratio', 'random', 'oracle'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface PolicyInput {
  request: SimulatedRequest;
  /** The policy's own copy of the customer record, with the engagement its own messages earned. */
  record: Customer;
  customer: SimulatedCustomer;
  /** Channels consent, reachability and quiet hours allow now: the same for every policy. */
  eligible: readonly Channel[];
  /** Switchboard's own ranking, best first. */
  ranked: readonly Channel[];
}

/** The order a policy would try the eligible channels in; the first one its frequency caps allow is sent. */
export type Policy = (input: PolicyInput) => Channel[];

/** The order many teams configure by hand: the cheap inbox first, then the phone. */
export const FIXED_ORDER: readonly Channel[] = ['email', 'push', 'sms', 'in_app'];
/** Sends a channel must have had before its ratio is trusted, as channel-ranking products do. */
export const RATIO_MIN_SENDS = 3;

export const POLICY: Record<PolicyName, Policy> = {
  switchboard: ({ ranked }) => [...ranked],
  'fixed-order': ({ eligible }) => inFixedOrder(eligible),
  'engagement-ratio': ({ eligible, record }) => {
    const proven = eligible
      .map((channel) => ({ channel, evidence: countedEvidence(record.engagement?.[channel]) }))
      .filter(({ evidence }) => evidence.delivered >= RATIO_MIN_SENDS)
      .sort((a, b) => ratio(b.evidence) - ratio(a.evidence) || FIXED_ORDER.indexOf(a.channel) - FIXED_ORDER.indexOf(b.channel));
    const best = proven[0]?.channel;
    return best ? [best, ...inFixedOrder(eligible).filter((channel) => channel !== best)] : inFixedOrder(eligible);
  },
  random: ({ eligible, request }) => {
    if (eligible.length === 0) return [];
    const first = eligible[Math.floor(request.pick * eligible.length)] as Channel;
    return [first, ...inFixedOrder(eligible).filter((channel) => channel !== first)];
  },
  oracle: ({ eligible, customer, request }) =>
    [...eligible].sort(
      (a, b) => trueChance(customer, b, request.moment, request.day) - trueChance(customer, a, request.moment, request.day) || CHANNELS.indexOf(a) - CHANNELS.indexOf(b),
    ),
};

function inFixedOrder(eligible: readonly Channel[]): Channel[] {
  return FIXED_ORDER.filter((channel) => eligible.includes(channel));
}

function ratio({ delivered, engaged }: { delivered: number; engaged: number }): number {
  return delivered > 0 ? engaged / delivered : 0;
}
