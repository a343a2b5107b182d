import { capWindow } from '../core/cap-window.js';
import type { DecisionConfig } from '../core/config.js';
import { decide } from '../core/decide.js';
import { counterFor, countOnce } from '../core/feedback/engagement.js';
import type { FeedbackEvent } from '../core/feedback/event.js';
import { learnPriors, type LearnedPriors, type Observation } from '../core/learning/priors.js';
import { type Channel, CHANNELS, type Customer } from '../core/model.js';
import type { TemplateManifest } from '../core/templates.js';
import { POLICIES, POLICY, type PolicyName } from './policies.js';
import type { Population } from './population.js';
import type { DayFigures, PolicyFigures, SimulationReport } from './report.js';
import { drawCustomers, drawRequests, type SimulatedRequest, trueChance } from './world.js';

const HOUR_MS = 3_600_000;

/** One policy's world: its own copy of every customer record, its caps, and what it has earned. */
interface World {
  name: PolicyName;
  records: Customer[];
  caps: Map<string, number>;
  figures: PolicyFigures;
}

/**
 * Runs every policy over the same customers, requests and draws. Switchboard decides with the
 * core's `decide`, learns from the outcomes of its own messages through the feedback code that
 * moves engagement counters, and relearns its priors from them every simulated hour with the
 * refresher's `learnPriors`. Unlike the refresher, which reads only a recent window, it keeps every
 * observation of the run; the oldest count for little by then.
 */
export function simulate(population: Population, manifests: readonly TemplateManifest[], config: DecisionConfig): SimulationReport {
  const customers = drawCustomers(population, manifests);
  const worlds = POLICIES.map((name): World => ({ name, records: customers.map((c) => structuredClone(c.record)), caps: new Map(), figures: emptyFigures(name, population.days) }));
  const switchboard = worlds[0] as World;
  const observations: Observation[] = [];
  let priors: LearnedPriors | undefined;
  let learnedHour = -1;
  let requests = 0;

  for (const request of drawRequests(population, customers, manifests)) {
    const hour = Math.floor(request.at.getTime() / HOUR_MS);
    if (hour !== learnedHour && observations.length > 0) {
      learnedHour = hour;
      priors = learnPriors(observations, request.at, config);
    }
    requests++;
    const customer = customers[request.customer]!;
    const decision = decide(
      { request: request.request, customer: switchboard.records[request.customer]!, manifest: request.manifest, now: request.at, ...(priors ? { priors } : {}) },
      config,
    );
    const ranked = decision.ranked.map((entry) => entry.channel);
    const eligible = CHANNELS.filter((channel) => ranked.includes(channel));
    for (const world of worlds) {
      const record = world.records[request.customer]!;
      const order = POLICY[world.name]({ request, record, customer, eligible, ranked });
      const channel = order.find((candidate) => takeCap(world, request, candidate, config));
      const day = world.figures.days[request.day]!;
      world.figures.requests++;
      day.requests++;
      if (!channel) {
        world.figures.notSent++;
        continue;
      }
      const engaged = request.draws[channel] < trueChance(customer, channel, request.moment, request.day);
      record.engagement = { ...record.engagement, [channel]: afterFeedback(record, channel, engaged, request.at, config) };
      tally(world.figures, day, channel, engaged, population.prices[channel]);
      if (world === switchboard)
        observations.push({
          channel,
          engaged,
          at: request.at,
          ...(decision.moment ? { moment: decision.moment } : {}),
          ...(decision.preferred ? { preferred: decision.preferred } : {}),
        });
    }
  }

  const oracle = worlds.find((world) => world.name === 'oracle')!.figures.engagements;
  return {
    population: { seed: population.seed, days: population.days, customers: population.customers, requests, segments: population.segments.map((s) => s.name) },
    policies: worlds.map(({ figures }) => finish(figures, oracle)),
  };
}

/** The events a provider would report for the message, applied as the feedback path applies them. */
function afterFeedback(record: Customer, channel: Channel, engaged: boolean, at: Date, config: DecisionConfig) {
  const halfLife = config.learning.halfLifeDays;
  let history = record.engagement?.[channel];
  const kinds: FeedbackEvent['kind'][] = ['delivered', ...(engaged ? [channel === 'sms' ? ('clicked' as const) : ('opened' as const)] : [])];
  for (const kind of kinds) {
    const counter = counterFor({ kind, channel, optedOut: false });
    if (counter) history = countOnce(history, counter, at, halfLife);
  }
  return history!;
}

/** Counts the message against the customer's caps for the channel, if they allow it. */
function takeCap(world: World, request: SimulatedRequest, channel: Channel, config: DecisionConfig): boolean {
  const limits = config.caps[channel][request.manifest.category];
  if (!limits) return true;
  const window = capWindow(request.at);
  const dayKey = `${request.customer}:${channel}:${request.manifest.category}:${window.day}`;
  const weekKey = `${request.customer}:${channel}:${request.manifest.category}:${window.week}`;
  const perDay = world.caps.get(dayKey) ?? 0;
  const perWeek = world.caps.get(weekKey) ?? 0;
  if ((limits.perDay !== undefined && perDay >= limits.perDay) || (limits.perWeek !== undefined && perWeek >= limits.perWeek)) return false;
  world.caps.set(dayKey, perDay + 1);
  world.caps.set(weekKey, perWeek + 1);
  return true;
}

function tally(figures: PolicyFigures, day: DayFigures, channel: Channel, engaged: boolean, price: number): void {
  figures.sent++;
  day.sent++;
  figures.fees += price;
  const perChannel = figures.channels[channel];
  perChannel.sent++;
  perChannel.fees += price;
  if (!engaged) return;
  figures.engagements++;
  day.engagements++;
  perChannel.engagements++;
}

function emptyFigures(policy: PolicyName, days: number): PolicyFigures {
  return {
    policy,
    requests: 0,
    sent: 0,
    notSent: 0,
    engagements: 0,
    engagementRate: 0,
    fees: 0,
    shareOfOracle: 0,
    channels: Object.fromEntries(CHANNELS.map((channel) => [channel, { sent: 0, engagements: 0, fees: 0 }])) as PolicyFigures['channels'],
    days: Array.from({ length: days }, (_, day) => ({ day: day + 1, requests: 0, sent: 0, engagements: 0 })),
  };
}

function finish(figures: PolicyFigures, oracleEngagements: number): PolicyFigures {
  const { costPerEngagement: _unset, ...rest } = figures;
  return {
    ...rest,
    engagementRate: figures.sent > 0 ? figures.engagements / figures.sent : 0,
    shareOfOracle: oracleEngagements > 0 ? figures.engagements / oracleEngagements : 0,
    ...(figures.engagements > 0 ? { costPerEngagement: figures.fees / figures.engagements } : {}),
  };
}
