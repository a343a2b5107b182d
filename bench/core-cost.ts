import { performance } from 'node:perf_hooks';
import { defaultDecisionConfig } from '../functions/core/config.js';
import { decide } from '../functions/core/decide.js';
import { RenderError } from '../functions/core/errors.js';
import type { Channel, Customer } from '../functions/core/model.js';
import { MemoryLinkSigner } from '../functions/adapters/memory/link-signer.js';
import { CustomerRenderer } from '../functions/core/render/customer-renderer.js';
import { Renderer } from '../functions/core/render/renderer.js';
import { parseSendRequest, type SendRequest } from '../functions/core/request.js';
import type { CompiledTemplate, TemplateBundle } from '../functions/core/templates.js';
import { median } from './stats.js';
import { syntheticCustomers } from './synthetic/customers.js';
import { syntheticRequests } from './synthetic/requests.js';

export interface CoreCostOptions {
  bundle: TemplateBundle;
  customers: number;
  messages: number;
  /** Timed passes over all messages; the median pass is reported. */
  rounds: number;
  seed: number;
  /** The stack's deep-link scheme: templates may link into the app with it. */
  appScheme?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface CoreCostResult {
  messages: number;
  rounds: number;
  /** decide + render of the channel(s) the strategy would render first, µs per message. */
  decideRenderUs: number;
  /** JSON.parse + JSON.stringify of the same request and customer record, µs per message. */
  floorUs: number;
  ratio: number;
  /** parseSendRequest (JSON + schema) of the request body, for scale; not part of the ratio. */
  validateUs: number;
  validateRatio: number;
  renders: Record<Channel, number>;
  renderFailures: number;
  /** Messages no channel was eligible for: decided, nothing rendered. */
  suppressed: number;
}

interface Case {
  request: SendRequest;
  customer: Customer;
  template: CompiledTemplate;
  requestJson: string;
  customerJson: string;
}

/** A fixed instant, so quiet hours and perishable moments fall the same way on every run. */
const NOW = new Date('2026-11-24T16:30:00Z');
const BLOCK = 100;

/**
 * Core cost against a floor measured in the same loop: blocks of messages alternate between the
 * floor and the real work, so machine noise lands on both and only the ratio is compared.
 */
export async function measureCoreCost(options: CoreCostOptions): Promise<CoreCostResult> {
  const cases = buildCases(options);
  // Marketing email footers link the preference centre and unsubscribe: signing them is part of the cost.
  const links = { signer: MemoryLinkSigner.throwaway(), unsubscribeBaseUrl: 'https://example.com/unsubscribe', preferencesBaseUrl: 'https://example.com/preference-centre' };
  const renderer = new CustomerRenderer(new Renderer(options.appScheme ? { appScheme: options.appScheme } : {}), links);
  const tally = { renders: { push: 0, sms: 0, email: 0, in_app: 0 } as Record<Channel, number>, renderFailures: 0, suppressed: 0 };
  // Warm-up: JIT, Intl formatters and the parsed-template cache, as in a warm Lambda.
  for (const c of cases) {
    floor(c);
    await work(c, renderer, tally);
  }
  const perRound: { work: number; floor: number; validate: number }[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const totals = { work: 0, floor: 0, validate: 0 };
    for (let start = 0; start < cases.length; start += BLOCK) {
      const block = cases.slice(start, start + BLOCK);
      // Alternating which goes first keeps cache and GC effects from favouring one side.
      if ((start / BLOCK + round) % 2 === 0) {
        totals.floor += time(() => block.forEach(floor));
        totals.work += await timeAsync(async () => {
          for (const c of block) await work(c, renderer);
        });
      } else {
        totals.work += await timeAsync(async () => {
          for (const c of block) await work(c, renderer);
        });
        totals.floor += time(() => block.forEach(floor));
      }
      totals.validate += time(() => block.forEach((c) => parseSendRequest(c.requestJson)));
      options.onProgress?.(round * cases.length + start + block.length, options.rounds * cases.length);
    }
    perRound.push(totals);
  }
  const us = (ms: number) => (ms * 1000) / cases.length;
  return {
    messages: cases.length,
    rounds: options.rounds,
    decideRenderUs: median(perRound.map((r) => us(r.work))),
    floorUs: median(perRound.map((r) => us(r.floor))),
    ratio: median(perRound.map((r) => r.work / r.floor)),
    validateUs: median(perRound.map((r) => us(r.validate))),
    validateRatio: median(perRound.map((r) => r.validate / r.floor)),
    ...tally,
  };
}

function buildCases(options: CoreCostOptions): Case[] {
  const templates = Object.values(options.bundle.templates);
  const customers = syntheticCustomers({ count: options.customers, seed: options.seed, now: NOW });
  const byId = new Map(customers.map((c) => [c.customerId, c]));
  const requests = syntheticRequests({
    count: options.messages,
    seed: options.seed + 1,
    manifests: templates.map((t) => t.manifest),
    customerIds: customers.map((c) => c.customerId),
    now: NOW,
  });
  return requests.map((input) => {
    const parsed = parseSendRequest(input);
    if (!parsed.ok) throw new Error(`synthetic request ${input.requestId} is invalid: ${JSON.stringify(parsed.problems)}`);
    const customer = byId.get(input.customerId) as Customer;
    const template = options.bundle.templates[input.template] as CompiledTemplate;
    return { request: parsed.request, customer, template, requestJson: JSON.stringify(input), customerJson: JSON.stringify(customer) };
  });
}

/** What any handler must at least do with a message: read the request and the record, write them out. */
function floor(c: Case): void {
  JSON.stringify(JSON.parse(c.requestJson));
  JSON.stringify(JSON.parse(c.customerJson));
}

async function work(c: Case, renderer: CustomerRenderer, tally?: Pick<CoreCostResult, 'renders' | 'renderFailures' | 'suppressed'>): Promise<void> {
  const decision = decide({ request: c.request, customer: c.customer, manifest: c.template.manifest, now: NOW }, defaultDecisionConfig);
  // Delivery renders the best channel; under `all` it renders every ranked one.
  const channels = decision.ranked.slice(0, c.request.strategy === 'all' ? undefined : 1).map((r) => r.channel);
  if (tally && channels.length === 0) tally.suppressed++;
  for (const channel of channels) {
    try {
      await renderer.render(c.template, channel, c.customer, c.request, NOW);
      if (tally) tally.renders[channel]++;
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      if (tally) tally.renderFailures++;
    }
  }
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
