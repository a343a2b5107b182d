import { describe, expect, it } from 'vitest';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import { type Category, type Channel, CHANNELS, type Customer, type RankedChannel, SCORE_COMPONENTS, type ScoreComponent } from '../../functions/core/model.js';
import type { SendRequestInput } from '../../functions/core/request.js';
import { rankChannels } from '../../functions/core/scoring.js';
import { sendRequest } from '../fixtures/requests.js';

const NOW = new Date('2026-11-23T16:00:00Z');
const inMinutes = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function newCustomer(overrides: Partial<Customer> = {}): Customer {
  return { customerId: 'c-new', timeZone: 'Europe/Berlin', ...overrides };
}

function ranking(customer: Customer, request: Partial<SendRequestInput> = {}, options: { category?: Category; channels?: Channel[]; config?: DecisionConfig } = {}): Channel[] {
  return rank(customer, request, options).map((r) => r.channel);
}

function rank(customer: Customer, request: Partial<SendRequestInput> = {}, options: { category?: Category; channels?: Channel[]; config?: DecisionConfig } = {}) {
  return rankChannels(
    options.channels ?? [...CHANNELS],
    { customer, request: sendRequest(request), category: options.category ?? 'marketing', now: NOW },
    options.config ?? defaultDecisionConfig,
  );
}

function componentByChannel(ranked: RankedChannel[], name: ScoreComponent): Record<Channel, number> {
  return Object.fromEntries(ranked.map((r) => [r.channel, r.components[name]])) as Record<Channel, number>;
}

const prefersEmail = newCustomer({ preferences: { preferredChannels: ['email'] } });

/** The default config with every weight but one at zero: to test one component's own ordering. */
function only(component: ScoreComponent, weight = 1): DecisionConfig {
  const weights = Object.fromEntries(SCORE_COMPONENTS.map((name) => [name, name === component ? weight : 0])) as Record<ScoreComponent, number>;
  return { ...defaultDecisionConfig, weights };
}

describe('context', () => {
  it('puts push first for a customer in a store, over a stated email preference', () => {
    expect(ranking(prefersEmail)[0]).toBe('email');
    expect(ranking(prefersEmail, { context: { surface: 'store', storeId: 'berlin-mitte' } })[0]).toBe('push');
  });

  it('puts in-app first during an app session, whether the request or the profile says so', () => {
    expect(ranking(prefersEmail, { context: { sessionActive: true } })[0]).toBe('in_app');
    const storedSession = { ...prefersEmail, context: { sessionActiveUntil: inMinutes(10) } };
    expect(ranking(storedSession)[0]).toBe('in_app');
    const endedSession = { ...prefersEmail, context: { sessionActiveUntil: inMinutes(-1) } };
    expect(ranking(endedSession)[0]).toBe('email');
  });

  it('favours what buzzes the phone when the customer is offline', () => {
    const [first] = ranking(newCustomer(), { context: { surface: 'offline' } }, { category: 'transactional', channels: ['sms', 'email', 'in_app'], config: only('context') });
    expect(first).toBe('sms');
  });

  it('lifts email and in-app mildly on the web', () => {
    const context = componentByChannel(rank(newCustomer(), { context: { surface: 'web' } }), 'context');
    expect(context.email).toBeGreaterThan(0);
    expect(context.in_app).toBeGreaterThan(0);
    expect(context.email).toBeLessThan(defaultDecisionConfig.weights.context);
    expect(context.push).toBe(0);
  });

  it('ignores a stored store visit once it is stale, but trusts one the request names', () => {
    const visited = (minutesAgo: number) => ({ ...prefersEmail, context: { surface: 'store' as const, storeId: 'berlin-mitte', observedAt: inMinutes(-minutesAgo) } });
    expect(ranking(visited(5))[0]).toBe('push');
    expect(ranking(visited(60 * 24))[0]).toBe('email');
    expect(ranking(visited(60 * 24), { context: { surface: 'store' } })[0]).toBe('push');
  });

  it('counts the strongest of overlapping signals once', () => {
    const [inApp] = rank(newCustomer(), { context: { surface: 'app', sessionActive: true } }, { channels: ['in_app'] });
    expect(inApp?.components.context).toBe(defaultDecisionConfig.weights.context * (defaultDecisionConfig.context.sessionActive.in_app ?? 0));
    expect(inApp?.reasons).toContain('context +0.40: app session active');
  });
});

describe('preference', () => {
  it("follows the customer's order: earlier is worth more", () => {
    const config = only('preference');
    expect(ranking(newCustomer({ preferences: { preferredChannels: ['sms', 'email'] } }), {}, { category: 'transactional', channels: ['email', 'sms'], config })).toEqual([
      'sms',
      'email',
    ]);
    expect(ranking(newCustomer({ preferences: { preferredChannels: ['email', 'sms'] } }), {}, { category: 'transactional', channels: ['email', 'sms'], config })).toEqual([
      'email',
      'sms',
    ]);
  });

  it("follows the sender's allow-list order when the customer states none", () => {
    const config = only('preference');
    expect(ranking(newCustomer(), { channels: ['in_app', 'push', 'email', 'sms'] }, { config })).toEqual(['in_app', 'push', 'email', 'sms']);
    expect(ranking(newCustomer(), { channels: ['email', 'in_app', 'push', 'sms'] }, { config })).toEqual(['email', 'in_app', 'push', 'sms']);
  });

  it("weighs the customer's word above the sender's order", () => {
    const customer = newCustomer({ preferences: { preferredChannels: ['email', 'push'] } });
    expect(ranking(customer, { channels: ['push', 'email'] }, { channels: ['push', 'email'] })[0]).toBe('email');
  });

  it('says which list and position earned the points', () => {
    const customer = newCustomer({ preferences: { preferredChannels: ['push', 'email'] } });
    const [email] = rank(customer, { channels: ['push', 'email'] }, { channels: ['email'] });
    // 0.05 × (1 × ½ + 0.5 × ½): the customer's list counts double the sender's.
    expect(email?.reasons).toContain("preference +0.0375: customer's 2nd choice, sender's 2nd choice");
  });
});

describe('engagement', () => {
  const history = (opened: number, delivered: number) => ({ sent: delivered, delivered, opened, clicked: 0 });

  it('favours the channel the customer actually engages with', () => {
    const readsEmail = newCustomer({ engagement: { email: history(30, 40), push: history(0, 40) } });
    const tapsPush = newCustomer({ engagement: { email: history(0, 40), push: history(30, 40) } });
    expect(ranking(readsEmail, {}, { channels: ['push', 'email'] })).toEqual(['email', 'push']);
    expect(ranking(tapsPush, {}, { channels: ['push', 'email'] })).toEqual(['push', 'email']);
  });

  it('starts a new customer at the channel priors', () => {
    const ranked = rank(newCustomer());
    for (const entry of ranked) {
      expect(entry.components.engagement).toBeCloseTo(defaultDecisionConfig.weights.engagement * defaultDecisionConfig.priors[entry.channel].rate, 4);
      expect(entry.reasons.some((r) => r.startsWith('engagement') && r.includes('no history, set prior'))).toBe(true);
    }
  });

  it('smooths a short history towards the prior instead of trusting it fully', () => {
    const lucky = rank(newCustomer({ engagement: { push: history(1, 1) } }), {}, { channels: ['push'] })[0];
    const proven = rank(newCustomer({ engagement: { push: history(50, 50) } }), {}, { channels: ['push'] })[0];
    const weight = defaultDecisionConfig.weights.engagement;
    expect(lucky?.components.engagement).toBeLessThan(weight * 0.25);
    expect(proven?.components.engagement).toBeGreaterThan(weight * 0.8);
  });

  it('counts clicks without tracked opens, never more than were delivered, and falls back to sent', () => {
    const config: DecisionConfig = {
      ...defaultDecisionConfig,
      weights: { context: 0, preference: 0, engagement: 1, urgency: 0, cost: 0, exploration: 0 },
      priors: { ...defaultDecisionConfig.priors, sms: { rate: 0, strength: 0 } },
    };
    const score = (engagement: Customer['engagement']) => rank(newCustomer({ engagement }), {}, { channels: ['sms'], config })[0]?.score;
    expect(score({ sms: { delivered: 10, clicked: 4 } })).toBe(0.4);
    expect(score({ sms: { delivered: 10, opened: 25 } })).toBe(1);
    expect(score({ sms: { sent: 10, clicked: 2 } })).toBe(0.2);
  });
});

describe('urgency', () => {
  it('moves an email-preferring customer to push when the moment ends soon', () => {
    expect(ranking(prefersEmail, { expiresAt: inMinutes(6 * 60) })[0]).toBe('email');
    expect(ranking(prefersEmail, { expiresAt: inMinutes(15) })[0]).toBe('push');
  });

  it('turns at about an hour left with the default weights', () => {
    // An order update: no exploration, so the turn is exactly where the weights put it.
    expect(ranking(prefersEmail, { expiresAt: inMinutes(45) }, { category: 'transactional' })[0]).toBe('push');
    expect(ranking(prefersEmail, { expiresAt: inMinutes(75) }, { category: 'transactional' })[0]).toBe('email');
  });

  it('grows as the expiry comes closer and adds nothing to email', () => {
    const urgencyOf = (minutes: number, channel: Channel) => rank(newCustomer(), { expiresAt: inMinutes(minutes) }, { channels: [channel] })[0]?.components.urgency;
    expect(urgencyOf(90, 'push')).toBeLessThan(urgencyOf(30, 'push') as number);
    expect(urgencyOf(300, 'push')).toBe(0);
    expect(urgencyOf(15, 'email')).toBe(0);
  });

  it('treats in-app as instant only during an app session', () => {
    const urgencyOf = (sessionActive: boolean) => rank(newCustomer(), { expiresAt: inMinutes(10), context: { sessionActive } }, { channels: ['in_app'] })[0]?.components.urgency;
    expect(urgencyOf(false)).toBe(0);
    expect(urgencyOf(true)).toBeGreaterThan(0);
  });

  it('makes a high-priority message prefer an instant channel', () => {
    expect(ranking(prefersEmail, {}, { category: 'transactional' })[0]).toBe('email');
    expect(ranking(prefersEmail, { priority: 'high' }, { category: 'transactional' })[0]).toBe('push');
  });

  it('explains the time left', () => {
    const [push] = rank(newCustomer(), { expiresAt: inMinutes(30), priority: 'high' }, { channels: ['push'] });
    expect(push?.reasons.find((r) => r.startsWith('urgency'))).toBe('urgency +0.40: expires in 30 min, high priority');
  });
});

describe('cost', () => {
  const prefersSms = newCustomer({ preferences: { preferredChannels: ['sms', 'push'] } });

  it('makes SMS earn its price: a stated preference alone does not, a proven habit does for an order update', () => {
    expect(ranking(prefersSms, {}, { category: 'marketing', channels: ['sms', 'push'] })).toEqual(['push', 'sms']);
    expect(ranking(prefersSms, {}, { category: 'transactional', channels: ['sms', 'push'] })).toEqual(['push', 'sms']);
    const readsTexts = { ...prefersSms, engagement: { sms: { delivered: 10, clicked: 8 }, push: { delivered: 10, opened: 1 } } };
    expect(ranking(readsTexts, {}, { category: 'transactional', channels: ['sms', 'push'] })).toEqual(['sms', 'push']);
    // Marketing pays 2.5 times an order update's relative price for the same text.
    const [push, sms] = rank(readsTexts, {}, { category: 'marketing', channels: ['sms', 'push'] });
    expect(push?.channel).toBe('push');
    expect(sms?.components.cost).toBe(-defaultDecisionConfig.weights.cost);
  });

  it('is a penalty, zero for in-app', () => {
    const cost = componentByChannel(rank(newCustomer()), 'cost');
    expect(cost.sms).toBeLessThan(cost.email);
    expect(cost.email).toBeLessThan(0);
    expect(cost.in_app).toBe(0);
  });
});

describe('the score record', () => {
  const lenaLike = newCustomer({
    preferences: { preferredChannels: ['push', 'email'] },
    engagement: { push: { delivered: 12, opened: 7, clicked: 3 } },
    email: { address: 'lena@example.com' },
    phone: { number: '+4915112345678' },
  });
  const request = { context: { surface: 'store' as const, storeId: 'berlin-mitte' }, expiresAt: inMinutes(45) };

  it('adds up: the score is the sum of the components, rounded to 4 decimals', () => {
    for (const entry of rank(lenaLike, request)) {
      const sum = SCORE_COMPONENTS.reduce((total, name) => total + (entry.components[name] ?? 0), 0);
      expect(entry.score).toBeCloseTo(sum, 10);
      expect(Math.round(entry.score * 10_000) / 10_000).toBe(entry.score);
    }
  });

  it('has one readable line per non-zero component and none for zero ones', () => {
    const [push] = rank(lenaLike, request, { channels: ['push'] });
    const nonZero = SCORE_COMPONENTS.filter((name) => push?.components[name] !== 0);
    expect(push?.reasons.map((r) => r.split(' ')[0])).toEqual(nonZero);
    expect(push?.reasons[0]).toBe('context +0.40: customer is in store berlin-mitte');
    expect(push?.reasons.at(-2)).toBe('cost -0.03: relative cost 0.02');
    expect(push?.reasons.at(-1)).toMatch(/^exploration [+-]0\.\d+: drew \d+% for \d+%$/);
  });

  it('never includes addresses in reasons', () => {
    const text = rank(lenaLike, request)
      .flatMap((r) => r.reasons)
      .join('\n');
    expect(text).not.toContain('lena@example.com');
    expect(text).not.toContain('4915112345678');
  });

  it('is deterministic and breaks ties by the fixed channel order', () => {
    const flat: DecisionConfig = { ...defaultDecisionConfig, weights: { context: 0, preference: 0, engagement: 0, urgency: 0, cost: 0, exploration: 0 } };
    expect(ranking(newCustomer(), {}, { channels: ['in_app', 'email', 'sms', 'push'], config: flat })).toEqual(['push', 'sms', 'email', 'in_app']);
    expect(rank(lenaLike, request)).toEqual(rank(lenaLike, request));
  });
});
