import { defaultDecisionConfig } from '../../functions/core/config.js';
import { decide } from '../../functions/core/decide.js';
import type { Customer, Decision, RankedChannel } from '../../functions/core/model.js';
import { customerFixture } from '../fixtures/customers.js';
import { manifest, sendRequest } from '../fixtures/requests.js';

/** Request ids tried in turn: a fixed list, so every run finds the same one. */
const CANDIDATE_REQUEST_IDS = Array.from({ length: 200 }, (_, i) => `r-explore-${i}`);

const NOW = new Date('2026-11-24T16:00:00Z');

export interface ExploredDecision {
  requestId: string;
  customer: Customer;
  decision: Decision;
  /** The winner, which carries the `explored: ` line. */
  chosen: RankedChannel;
  /** The channel that would have won on expected rates alone. */
  expected: RankedChannel;
}

/**
 * A marketing decision by the real core in which exploration changed the winner. Theresa (c-2005)
 * can be reached by in-app, her first choice, and by push, and has tried neither: a draw can put
 * push first. The first request id of a fixed list whose draw does that.
 */
export function exploredDecision(): ExploredDecision {
  const customer: Customer = { ...customerFixture('bounced-email-c-2005'), preferences: { preferredChannels: ['in_app', 'push'] } };
  for (const requestId of CANDIDATE_REQUEST_IDS) {
    const decision = decide({ request: sendRequest({ requestId, customerId: customer.customerId }), customer, manifest: manifest(), now: NOW }, defaultDecisionConfig);
    const [chosen] = decision.ranked;
    const expected = [...decision.ranked].sort((a, b) => withoutExploration(b) - withoutExploration(a))[0];
    if (chosen && expected && expected.channel !== chosen.channel) return { requestId, customer, decision, chosen, expected };
  }
  throw new Error(`no request id of ${CANDIDATE_REQUEST_IDS.length} had exploration change the winner`);
}

function withoutExploration(ranked: RankedChannel): number {
  return ranked.score - (ranked.components.exploration ?? 0);
}
