import { beforeAll, describe, expect, it } from 'vitest';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import { CHANNELS } from '../../functions/core/model.js';
import type { TemplateManifest } from '../../functions/core/templates.js';
import { POLICIES } from '../../functions/simulate/policies.js';
import { type Population, populationSchema } from '../../functions/simulate/population.js';
import { simulate } from '../../functions/simulate/simulate.js';
import { drawCustomers, drawRequests, trueChance } from '../../functions/simulate/world.js';
import { DEFAULT_TEMPLATES_DIR, loadTemplateFolder } from '../../functions/template-compiler/index.js';

let manifests: TemplateManifest[];
/** Without caps, every request email can carry goes by email under the fixed order. */
const uncapped: DecisionConfig = { ...defaultDecisionConfig, caps: { push: {}, sms: {}, email: {}, in_app: {} } };
beforeAll(async () => {
  const { bundle } = await loadTemplateFolder(DEFAULT_TEMPLATES_DIR);
  manifests = Object.values(bundle.templates).map((template) => template.manifest);
});

/** Only email is ever engaged with, always; every other channel never. */
const emailOnly: Population = populationSchema.parse({
  seed: 3,
  days: 2,
  customers: 4,
  requestsPerCustomerPerDay: 1.5,
  prices: { email: 0.01, sms: 0.1, push: 0.001, in_app: 0 },
  segments: [
    {
      name: 'email-readers',
      share: 1,
      reachable: { email: 1, sms: 1, push: 1, in_app: 1 },
      consent: { marketing: { email: 1, sms: 1, push: 1, in_app: 1 } },
      statedPreference: [],
      engagement: { email: 1, sms: 0, push: 0, in_app: 0 },
      moments: { web: 1 },
    },
  ],
});

describe('the simulator, on populations whose answer can be worked out by hand', () => {
  it('gives every policy the same requests, and the oracle and the fixed order engage with every request email can carry', () => {
    const report = simulate(emailOnly, manifests, uncapped);
    const requests = [...drawRequests(emailOnly, drawCustomers(emailOnly, manifests), manifests)];
    const carriedByEmail = requests.filter((request) => request.manifest.channels.includes('email')).length;
    expect(report.population.requests).toBe(requests.length);
    for (const policy of report.policies) expect(policy.requests).toBe(requests.length);
    const byName = Object.fromEntries(report.policies.map((policy) => [policy.policy, policy]));
    expect(byName.oracle?.engagements).toBe(carriedByEmail);
    expect(byName['fixed-order']?.engagements).toBe(carriedByEmail);
    expect(byName['fixed-order']?.channels.email.sent).toBe(carriedByEmail);
    expect(byName['fixed-order']?.shareOfOracle).toBe(1);
  });

  it('adds up fees, cost per engagement and share of the oracle from the channel counts', () => {
    const report = simulate(emailOnly, manifests, defaultDecisionConfig);
    const oracle = report.policies.find((policy) => policy.policy === 'oracle')!;
    for (const policy of report.policies) {
      const fees = CHANNELS.reduce((sum, channel) => sum + policy.channels[channel].sent * emailOnly.prices[channel], 0);
      expect(policy.fees).toBeCloseTo(fees, 12);
      expect(policy.sent).toBe(CHANNELS.reduce((sum, channel) => sum + policy.channels[channel].sent, 0));
      expect(policy.sent + policy.notSent).toBe(policy.requests);
      expect(policy.engagements).toBe(policy.channels.email.engagements);
      expect(policy.costPerEngagement).toBeCloseTo(fees / policy.engagements, 12);
      expect(policy.shareOfOracle).toBeCloseTo(policy.engagements / oracle.engagements, 12);
      expect(policy.days.reduce((sum, day) => sum + day.engagements, 0)).toBe(policy.engagements);
    }
  });

  it('engages exactly when the shared draw falls below the true chance, for every policy alike', () => {
    const halfEmail = populationSchema.parse({
      ...emailOnly,
      customers: 6,
      days: 3,
      segments: [{ ...emailOnly.segments[0], engagement: { email: 0.5, sms: 0, push: 0, in_app: 0 } }],
    });
    const customers = drawCustomers(halfEmail, manifests);
    const requests = [...drawRequests(halfEmail, customers, manifests)];
    // The fixed order sends every email-carrying request by email: its engagements follow from the draws alone.
    const expected = requests.filter((r) => r.manifest.channels.includes('email') && r.draws.email < trueChance(customers[r.customer]!, 'email', r.moment, r.day)).length;
    const fixed = simulate(halfEmail, manifests, uncapped).policies.find((policy) => policy.policy === 'fixed-order')!;
    expect(fixed.channels.email.sent).toBe(requests.filter((r) => r.manifest.channels.includes('email')).length);
    expect(fixed.engagements).toBe(expected);
  });

  it('replays a run exactly from its seed, and a different seed draws a different run', () => {
    const once = simulate(emailOnly, manifests, defaultDecisionConfig);
    expect(simulate(emailOnly, manifests, defaultDecisionConfig)).toEqual(once);
    expect(simulate({ ...emailOnly, seed: 4 }, manifests, defaultDecisionConfig)).not.toEqual(once);
  });

  it('applies a drift from its day on: the true chance changes, what the customer is does not', () => {
    const drifting = populationSchema.parse({
      ...emailOnly,
      days: 4,
      segments: [{ ...emailOnly.segments[0], engagement: { email: 0.4 }, momentEffects: { web: { email: 2 } }, drift: { day: 2, engagement: { email: 0.1 } } }],
    });
    const [customer] = drawCustomers(drifting, manifests);
    const own = customer!.truth.email;
    // Days count from 0 here and from 1 in the file and the report: day index 1 is day 2.
    expect(trueChance(customer!, 'email', 'web', 0)).toBeCloseTo(Math.min(1, own * 2), 12);
    expect(trueChance(customer!, 'email', 'web', 1)).toBeCloseTo(Math.min(1, own * 0.25 * 2), 12);
    expect(trueChance(customer!, 'email', 'store', 3)).toBeCloseTo(own * 0.25, 12);
  });

  it('keeps every policy within the frequency caps: a capped channel gives way to the next', () => {
    const busy = populationSchema.parse({ ...emailOnly, customers: 1, days: 3, requestsPerCustomerPerDay: 6 });
    const oneEmailADay: DecisionConfig = { ...uncapped, caps: { ...uncapped.caps, email: { marketing: { perDay: 1 } } } };
    const requests = [...drawRequests(busy, drawCustomers(busy, manifests), manifests)];
    // Per day: every transactional request email can carry, and one marketing one at most.
    let expected = 0;
    for (let day = 0; day < busy.days; day++) {
      const emailable = requests.filter((r) => r.day === day && r.manifest.channels.includes('email'));
      expected += emailable.filter((r) => r.manifest.category === 'transactional').length;
      expected += Math.min(1, emailable.filter((r) => r.manifest.category === 'marketing').length);
    }
    const report = simulate(busy, manifests, oneEmailADay);
    const marketingByEmail = requests.filter((r) => r.manifest.category === 'marketing' && r.manifest.channels.includes('email')).length;
    expect(marketingByEmail).toBeGreaterThan(busy.days);
    for (const policy of report.policies) expect(policy.channels.email.sent).toBeLessThanOrEqual(expected);
    expect(report.policies.find((policy) => policy.policy === 'fixed-order')?.channels.email.sent).toBe(expected);
    expect(report.policies.map((policy) => policy.policy)).toEqual([...POLICIES]);
  });
});

describe('the population file', () => {
  const problems = (input: unknown) => {
    const result = populationSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('refuses unknown fields, naming where they are', () => {
    const list = problems({ ...emailOnly, colour: 'blue', segments: [{ ...emailOnly.segments[0], mood: 1 }] });
    expect(list.some((p) => p.startsWith(':') || p.includes('colour'))).toBe(true);
    expect(list.some((p) => p.startsWith('segments.0') && p.includes('mood'))).toBe(true);
  });

  it('refuses shares and moments that do not add up to 1, probabilities above 1, and a drift after the run', () => {
    expect(problems({ ...emailOnly, segments: [{ ...emailOnly.segments[0], share: 0.5 }] })).toContain('segments: segment shares must add up to 1');
    expect(problems({ ...emailOnly, segments: [{ ...emailOnly.segments[0], moments: { web: 0.5 } }] })).toContain('segments.0.moments: moments must add up to 1');
    expect(problems({ ...emailOnly, segments: [{ ...emailOnly.segments[0], reachable: { email: 2 } }] }).some((p) => p.startsWith('segments.0.reachable.email'))).toBe(true);
    expect(problems({ ...emailOnly, segments: [{ ...emailOnly.segments[0], drift: { day: 3, engagement: {} } }] })).toContain('segments: a drift day must fall within the run');
  });
});
