import type { Context } from 'aws-lambda';
import { smsStatusLogsEvent } from '../functions/local/feedback/logs-events.js';
import { type SesAction, sesEventBridgeEvent } from '../functions/local/feedback/ses-events.js';
import { lambdaContext } from '../functions/local/lambda-context.js';
import type { SmsStatusRecord } from '../functions/local/sandbox/state.js';
import { Prng } from '../bench/prng.js';
import type { AcceptedEmail } from './accepted-email.js';

export type FeedbackHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A consent change feedback made, and when it was certainly in the table: the end of the invocation that applied it. */
export interface ConsentChange {
  customerId: string;
  channel: 'email' | 'sms';
  kind: 'complaint' | 'stop';
  committedAt: number;
}

export interface FeedbackStats {
  invocations: number;
  events: Record<string, number>;
  /** Events delivered a second time. */
  duplicated: number;
  /** Invocations that threw and were invoked again, as Lambda retries asynchronous invocations. */
  retried: number;
  /** Events given up after three failed invocations. */
  dropped: number;
  outcomes: Record<string, number>;
  /** Requests whose events the handler refused as belonging elsewhere (`mismatch`), with the event. */
  mismatched: { requestId: string; event: string }[];
}

interface Pending {
  name: string;
  /** The request the event is about, where the event names it. */
  requestId?: string;
  event: unknown;
  change?: Omit<ConsentChange, 'committedAt'>;
  /** SMS statuses that arrive before the orchestrator noted the message id come again later, as a late log would. */
  lateRetry?: boolean;
}

const ATTEMPTS = 3;

/**
 * Plays the provider's side of the feedback loop into the real feedback handler: SES events for
 * every accepted email (send, delivery, some opens and clicks, a complaint from customers who
 * complain) and an SNS status log for every accepted text. Events come late, in any order, some
 * twice; an invocation that throws is retried, as Lambda retries asynchronous invocations.
 */
export class FeedbackPump {
  readonly stats: FeedbackStats = { invocations: 0, events: {}, duplicated: 0, retried: 0, dropped: 0, outcomes: {}, mismatched: [] };
  readonly consentChanges: ConsentChange[] = [];
  private readonly rng: Prng;
  private readonly complained = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting: Pending[] = [];
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly options: {
      handler: FeedbackHandler;
      region: string;
      configurationSet: string;
      seed: number;
      duplicateRate: number;
      /** Customers who complain about their first marketing email. */
      complainers: ReadonlySet<string>;
      customerOfNumber: ReadonlyMap<string, string>;
      /** Feedback invocations at once; default 4. */
      maxInFlight?: number;
      onError?(error: unknown): void;
    },
  ) {
    this.rng = new Prng(options.seed ^ 0xfeed);
  }

  emailAccepted(accepted: AcceptedEmail): void {
    const actions: SesAction[] = ['send', 'delivery'];
    if (this.rng.chance(0.15)) actions.push('open');
    if (this.rng.chance(0.05)) actions.push('click');
    const customerId = accepted.tags.customerId;
    const complains = customerId !== undefined && accepted.tags.category === 'marketing' && this.options.complainers.has(customerId) && !this.complained.has(customerId);
    if (complains) {
      this.complained.add(customerId);
      actions.push('complaint');
    }
    for (const action of actions) {
      const event = sesEventBridgeEvent({ action, email: accepted.email, tags: accepted.tags, region: this.options.region, configurationSet: this.options.configurationSet });
      const change = action === 'complaint' && customerId ? { customerId, channel: 'email' as const, kind: 'complaint' as const } : undefined;
      const requestId = accepted.tags.requestId;
      this.schedule({ name: `ses ${action}`, event, ...(requestId ? { requestId } : {}), ...(change ? { change } : {}) }, 100, 2_000);
    }
  }

  smsStatus(record: SmsStatusRecord): void {
    const customerId = this.options.customerOfNumber.get(record.delivery.destination);
    const stop = record.status === 'FAILURE' && /opted out/i.test(record.delivery.providerResponse) && customerId !== undefined;
    const event = smsStatusLogsEvent([record], this.options.region);
    this.schedule(
      { name: `sms ${record.status.toLowerCase()}`, event, lateRetry: true, ...(stop ? { change: { customerId, channel: 'sms' as const, kind: 'stop' as const } } : {}) },
      500,
      2_500,
    );
  }

  /** Events scheduled, waiting or being applied; zero when feedback has caught up. */
  pending(): number {
    return this.timers.size + this.waiting.length + this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
  }

  private schedule(item: Pending, minMs: number, maxMs: number): void {
    this.stats.events[item.name] = (this.stats.events[item.name] ?? 0) + 1;
    const copies = this.rng.chance(this.options.duplicateRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let copy = 0; copy < copies; copy++) this.later(item, this.rng.int(minMs, maxMs));
  }

  private later(item: Pending, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting.push(item);
      this.drain();
    }, delayMs);
    this.timers.add(timer);
  }

  private drain(): void {
    while (!this.stopped && this.inFlight < (this.options.maxInFlight ?? 4) && this.waiting.length > 0) {
      const item = this.waiting.shift() as Pending;
      this.inFlight++;
      this.deliver(item)
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private async deliver(item: Pending): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      this.stats.invocations++;
      try {
        const summary = (await this.options.handler(item.event, lambdaContext('switchboard-feedback', 10, this.options.region))) as Record<string, number> | undefined;
        for (const [outcome, n] of Object.entries(summary ?? {})) this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + n;
        if (item.change && ((summary?.applied ?? 0) > 0 || (summary?.duplicate ?? 0) > 0)) this.noteChange(item.change);
        if (item.lateRetry && (summary?.unmatched ?? 0) > 0) this.later({ ...item, lateRetry: false }, 3_000);
        if ((summary?.mismatch ?? 0) > 0 && item.requestId) this.stats.mismatched.push({ requestId: item.requestId, event: item.name });
        return;
      } catch {
        if (attempt === ATTEMPTS) {
          this.stats.dropped++;
          return;
        }
        this.stats.retried++;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }
  }

  private noteChange(change: Omit<ConsentChange, 'committedAt'>): void {
    const known = this.consentChanges.some((c) => c.customerId === change.customerId && c.kind === change.kind);
    if (!known) this.consentChanges.push({ ...change, committedAt: Date.now() });
  }
}
