import type { DecisionConfig } from './config.js';
import { checkEligibility } from './eligibility.js';
import { type Category, type Channel, CHANNELS, type Customer, type Decision, type ExcludedChannel } from './model.js';
import type { SendRequest } from './request.js';
import type { LearnedPriors } from './learning/priors.js';
import { statedPreference } from './learning/estimate.js';
import { momentOf, rankChannels } from './scoring.js';
import type { TemplateManifest } from './templates.js';

export interface DecideInput {
  request: SendRequest;
  customer: Customer;
  manifest: TemplateManifest;
  now: Date;
  priors?: LearnedPriors;
}

/**
 * The message's category, always the template's, and its consent topic: the request's when it
 * names one, else the template's. Admission has already refused a request that tries to change
 * the category or names a topic the registry does not allow (functions/core/message-class.ts).
 */
export function messageClass(request: SendRequest, manifest: TemplateManifest): { category: Category; topic: string } {
  return { category: manifest.category, topic: request.topic ?? manifest.topic };
}

/**
 * Chooses among the channels for one request. Every channel appears exactly once, either ranked
 * (best first) or excluded with its reason, so the record alone answers "why this channel?".
 */
export function decide(input: DecideInput, config: DecisionConfig): Decision {
  const { request, customer, manifest, now } = input;
  const { category, topic } = messageClass(request, manifest);
  const excluded: ExcludedChannel[] = [];
  const eligible: Channel[] = [];

  for (const channel of CHANNELS) {
    if (!manifest.channels.includes(channel)) {
      // The code says it all; every byte of a record counts against its 1 KB write unit.
      excluded.push({ channel, reason: 'NOT_IN_TEMPLATE' });
      continue;
    }
    if (request.channels && !request.channels.includes(channel)) {
      excluded.push({ channel, reason: 'NOT_ALLOWED' });
      continue;
    }
    const verdict = checkEligibility({ customer, channel, category, topic, priority: request.priority, now }, config);
    if (verdict.eligible) eligible.push(channel);
    else excluded.push(verdict.excluded);
  }

  const scoring = { customer, request, category, now, ...(input.priors ? { priors: input.priors } : {}) };
  const moment = momentOf(scoring, config);
  return { ranked: rankChannels(eligible, scoring, config), excluded, ...(moment ? { moment } : {}), preferred: statedPreference(customer) };
}
