import { CapturingSender } from '../../functions/adapters/memory/capturing-sender.js';
import { MemoryCustomerDirectory } from '../../functions/adapters/memory/customer-directory.js';
import { MemoryWakeScheduler } from '../../functions/adapters/memory/wake-scheduler.js';
import { MemoryDeliveryLog } from '../../functions/adapters/memory/delivery-log.js';
import { MemoryFrequencyCounter } from '../../functions/adapters/memory/frequency-counter.js';
import { MemoryTelemetry } from '../../functions/adapters/memory/telemetry.js';
import { BundleTemplateStore } from '../../functions/adapters/bundle-template-store.js';
import { type DecisionConfig, defaultDecisionConfig } from '../../functions/core/config.js';
import type { Channel, Customer } from '../../functions/core/model.js';
import { type InboundMessage, type OrchestratorDeps, orchestrateBatch } from '../../functions/core/orchestrate.js';
import type { SendResult, TimeBudget } from '../../functions/core/ports.js';
import type { CompiledTemplate, TemplateBundle } from '../../functions/core/templates.js';
import { CustomerRenderer } from '../../functions/core/render/customer-renderer.js';
import type { TopicRegistry } from '../../functions/core/topics.js';

/** A small template on every channel, independent of the marketers' folder. */
export function testTemplate(overrides: Partial<CompiledTemplate['manifest']> = {}, parts: CompiledTemplate['parts'] = {}): CompiledTemplate {
  return {
    manifest: {
      id: 'test-offer',
      description: 'test template',
      category: 'marketing',
      topic: 'promotions',
      channels: ['push', 'sms', 'email', 'in_app'],
      variables: ['data.item'],
      sampleData: { data: { item: 'boots' } },
      ...overrides,
    },
    parts: {
      'email.subject': { default: 'Still thinking about {{ data.item }}?' },
      'email.html': { default: '<html><body><p>Your {{ data.item }} is waiting.</p></body></html>' },
      sms: { default: 'Your {{ data.item }} is waiting.' },
      'push.title': { default: 'Still there' },
      'push.body': { default: 'Your {{ data.item }} is waiting.' },
      'in_app.title': { default: 'Still there' },
      'in_app.body': { default: 'Your {{ data.item }} is waiting.' },
      ...parts,
    },
  };
}

/** A customer reachable everywhere, opted in to everything, awake in Berlin at noon UTC. */
export function reachableCustomer(customerId: string, overrides: Partial<Customer> = {}): Customer {
  return {
    customerId,
    locale: 'en-GB',
    timeZone: 'Europe/Berlin',
    attributes: { firstName: 'Ada' },
    email: { address: `${customerId}@example.com`, status: 'active' },
    phone: { number: '+4915112345678', status: 'active' },
    push: [{ token: `token-${customerId}`, platform: 'APNS', status: 'active' }],
    inApp: { enabled: true },
    consent: { email: { '*': 'opt_in' }, sms: { '*': 'opt_in' }, push: { '*': 'opt_in' }, in_app: { '*': 'opt_in' } },
    ...overrides,
  };
}

/**
 * A customer's own history: per channel, how many of ten delivered messages were opened. A test of
 * a mechanism (deferral, failover, escalation) gets the channel order its story needs from this,
 * clearly, rather than from how the weights happen to be tuned.
 */
export function opensOfTen(opened: Partial<Record<Channel, number>>): Pick<Customer, 'engagement'> {
  return { engagement: Object.fromEntries(Object.entries(opened).map(([channel, count]) => [channel, { delivered: 10, opened: count }])) };
}

/** A request for the test template to `c-1`, created a second before the harness' noon. */
export function testRequest(over: Record<string, unknown> = {}) {
  return { requestId: 'r-1', customerId: 'c-1', template: 'test-offer', data: { item: 'boots' }, createdAt: '2026-11-24T11:59:59Z', ...over };
}

export function harness(options: {
  customers: Customer[];
  templates?: CompiledTemplate[];
  scripts?: Partial<Record<Channel, SendResult[]>>;
  now?: string;
  decisionConfig?: DecisionConfig;
  /** The topic registry built into the bundle; none by default, as in a bundle built before it. */
  topics?: TopicRegistry;
}) {
  const bundle: TemplateBundle = { formatVersion: 1, templates: {}, ...(options.topics ? { topics: options.topics } : {}) };
  for (const t of options.templates ?? [testTemplate()]) bundle.templates[t.manifest.id] = t;
  let now = new Date(options.now ?? '2026-11-24T12:00:00Z');
  const senders = {
    email: new CapturingSender('email', options.scripts?.email),
    sms: new CapturingSender('sms', options.scripts?.sms),
    push: new CapturingSender('push', options.scripts?.push),
    in_app: new CapturingSender('in_app', options.scripts?.in_app),
  };
  const deps: OrchestratorDeps = {
    customers: new MemoryCustomerDirectory(options.customers),
    deliveries: new MemoryDeliveryLog(),
    counter: new MemoryFrequencyCounter(),
    templates: new BundleTemplateStore(bundle),
    senders,
    renderer: new CustomerRenderer(),
    telemetry: new MemoryTelemetry(),
    clock: { now: () => now },
    decisionConfig: options.decisionConfig ?? defaultDecisionConfig,
    leaseMs: 60_000,
    concurrency: 4,
    scheduler: new MemoryWakeScheduler(),
  };
  let sequence = 0;
  return {
    deps,
    senders,
    customers: deps.customers as MemoryCustomerDirectory,
    deliveries: deps.deliveries as MemoryDeliveryLog,
    telemetry: deps.telemetry as MemoryTelemetry,
    scheduler: deps.scheduler as MemoryWakeScheduler,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    run(bodies: unknown[], budget?: TimeBudget) {
      const messages: InboundMessage[] = bodies.map((body) => ({ messageId: `m-${++sequence}`, body: typeof body === 'string' ? body : JSON.stringify(body) }));
      return orchestrateBatch(messages, deps, budget);
    },
    /** Moves the clock to each pending wake in turn and delivers it, until none is due by `until`. */
    async fireWakesUntil(until: Date) {
      const outcomes = [];
      for (let wake = this.scheduler.list()[0]; wake && wake.due.getTime() <= until.getTime(); wake = this.scheduler.list()[0]) {
        if (wake.due.getTime() > now.getTime()) now = new Date(wake.due);
        outcomes.push(...(await this.run([this.scheduler.take(wake)])));
      }
      if (until.getTime() > now.getTime()) now = new Date(until);
      return outcomes;
    },
    totalSends() {
      return Object.values(senders).reduce((sum, s) => sum + s.sent.length, 0);
    },
  };
}
