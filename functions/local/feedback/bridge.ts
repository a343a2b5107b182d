import type { Context } from 'aws-lambda';
import { REQUEST_ID_HEADER } from '../../core/feedback/ses.js';
import { statusEntriesOf } from '../../sms-status-fanout/status-events.js';
import type { SandboxState, SmsStatusRecord } from '../sandbox/state.js';
import type { LocalSes, StoredEmail } from '../ses-local.js';
import { deliveredEntry } from '../status-events.js';
import { smsStatusLogsEvent } from './logs-events.js';
import { type EmailTags, type SesAction, sesEventBridgeEvent } from './ses-events.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface FeedbackBridgeOptions {
  handler: LambdaHandler;
  context: () => Context;
  ses: LocalSes;
  sandbox: SandboxState;
  region: string;
  configurationSet: string;
  /** The tags the orchestrator put on an email, read back from its delivery record. */
  tagsFor(requestId: string): Promise<EmailTags>;
  /** How long after a send the provider reports on it; real reports take seconds. */
  reportDelayMs?: number;
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Feeds the feedback Lambda's handler what AWS would. For every text the sandbox accepted: the
 * SNS SMS delivery status log, turned into an event on the default bus by the account fan-out's
 * own code and delivered as a rule's target receives it. For every email the local SES accepted
 * (Send, Delivery), and for what a person does on the outbox page (Open, Click, Bounce,
 * Complaint): the SES event, as EventBridge delivers it.
 */
export class FeedbackBridge {
  private readonly seenEmails = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private polling?: NodeJS.Timeout;
  private stopped = false;
  private readonly onSms = (record: SmsStatusRecord) => this.later(() => this.deliverSms(record));

  constructor(private readonly options: FeedbackBridgeOptions) {}

  start(): void {
    this.options.sandbox.events.on('sms-status', this.onSms);
    const poll = async () => {
      await this.pollEmails().catch((error: unknown) => this.options.onError?.(error));
      if (!this.stopped) this.polling = setTimeout(() => void poll(), this.options.pollIntervalMs ?? 400);
    };
    void poll();
  }

  /** Events scheduled or being applied; zero means the feedback loop has caught up. */
  pending(): number {
    return this.timers.size + this.inFlight;
  }

  /** Waits until every email sent so far and every report scheduled so far was applied. */
  async settle(timeoutMs = 10_000): Promise<void> {
    await this.pollEmails();
    const deadline = Date.now() + timeoutMs;
    while (this.pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** What a person did with an email on the outbox page, reported as SES would report it. */
  async emailAction(messageId: string, action: SesAction, link?: string): Promise<unknown> {
    const email = (await this.options.ses.emails()).find((candidate) => candidate.messageId === messageId);
    if (!email) throw new Error(`no email ${messageId} in the local SES`);
    return this.track(() => this.deliverEmailEvent(email, action, link));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.sandbox.events.off('sms-status', this.onSms);
    if (this.polling) clearTimeout(this.polling);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async pollEmails(): Promise<void> {
    for (const email of await this.options.ses.emails()) {
      if (this.seenEmails.has(email.messageId)) continue;
      this.seenEmails.add(email.messageId);
      this.later(async () => {
        await this.deliverEmailEvent(email, 'send');
        await this.deliverEmailEvent(email, 'delivery');
      });
    }
  }

  private async deliverEmailEvent(email: StoredEmail, action: SesAction, link?: string): Promise<unknown> {
    const requestId = email.headers?.find((h) => h.name.toLowerCase() === REQUEST_ID_HEADER.toLowerCase())?.value;
    const tags = requestId ? await this.options.tagsFor(requestId) : {};
    const event = sesEventBridgeEvent({ action, email, tags, region: this.options.region, configurationSet: this.options.configurationSet, ...(link ? { link } : {}) });
    return this.options.handler(event, this.options.context());
  }

  /** A status that arrives before its request is on record is retried once, as a late log would be. */
  private async deliverSms(record: SmsStatusRecord, retried = false): Promise<void> {
    const { entries, skipped } = statusEntriesOf(smsStatusLogsEvent([record], this.options.region));
    // The sandbox writes every record itself: one the fan-out skips is a bug to show, not a status to drop quietly.
    if (skipped.length > 0) this.options.onError?.(new Error(`the SMS status fan-out skipped a sandbox record: ${skipped.map((s) => s.message).join('; ')}`));
    let unmatched = 0;
    for (const entry of entries) {
      const summary = (await this.options.handler(deliveredEntry(entry, this.options.region), this.options.context())) as { unmatched?: number } | undefined;
      unmatched += summary?.unmatched ?? 0;
    }
    if (!retried && unmatched > 0) this.later(() => this.deliverSms(record, true));
  }

  private later(work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(work).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.reportDelayMs ?? 800);
    this.timers.add(timer);
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}
