import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { REQUEST_ID_HEADER } from '../../core/feedback/ses.js';
import type { Attempt, Channel, Customer, DeliveryRecord, DeliveryStatus, TimelineEvent } from '../../core/model.js';
import { measureSms } from '../../core/render/sms.js';
import { channelReasons, exclusionsNote, explainRecord } from '../explain.js';
import type { RecordedPush, RecordedSms } from '../sandbox/state.js';
import type { StoredEmail } from '../ses-local.js';
import type { LocalSystem } from '../system.js';
import { describeCustomer, type CustomerFacts } from './customer-facts.js';
import { type TimingView, timingView } from './timing.js';

export interface MessageView {
  requestId: string;
  template?: string;
  category?: string;
  channel: Channel;
  /** The record's status when this channel carried the message; FAILED when its attempt failed. */
  status: DeliveryStatus;
  attempt?: { outcome: Attempt['outcome']; code?: string; message?: string };
  why: string;
  summary: string;
  createdAt: string;
  timeline: TimelineEvent[];
  decision?: DeliveryRecord['decision'];
  content?: Record<string, unknown>;
  timing?: TimingView;
}

export interface UnsentView {
  requestId: string;
  template?: string;
  status: DeliveryStatus;
  summary: string;
  createdAt: string;
  timeline: TimelineEvent[];
  decision?: DeliveryRecord['decision'];
  timing?: TimingView;
}

export interface CustomerView extends CustomerFacts {
  channels: Record<Channel, MessageView[]>;
  unsent: UnsentView[];
}

export interface OutboxView {
  customers: CustomerView[];
  /** Requests for customer ids that have no record (rejected as unknown, or broken). */
  others: UnsentView[];
  generatedAt: string;
}

interface Sources {
  customers: Customer[];
  records: DeliveryRecord[];
  emails: StoredEmail[];
  push: RecordedPush[];
  sms: RecordedSms[];
  inbox: Record<string, unknown>[];
  wakes: LocalSystem['wakes'];
  now: Date;
}

/** Everything the page shows, read from the same places customer service and providers would. */
export async function buildOutboxView(system: LocalSystem): Promise<OutboxView> {
  const [customers, records, emails, inbox] = await Promise.all([
    scan(system, system.config.tables.customers) as Promise<unknown[]> as Promise<Customer[]>,
    system.deliveries.all(),
    system.ses.emails(),
    scan(system, system.config.tables.inbox),
  ]);
  const now = new Date();
  const sources: Sources = { customers, records, emails, push: system.sandbox.state.push, sms: system.sandbox.state.sms, inbox, wakes: system.wakes, now };
  const notes = new Map(system.customers.map((c) => [c.customer.customerId, c.note]));
  const order = new Map(system.customers.map((c, i) => [c.customer.customerId, i]));
  const views = customers
    .sort((a, b) => (order.get(a.customerId) ?? 999) - (order.get(b.customerId) ?? 999) || a.customerId.localeCompare(b.customerId))
    .map((customer) => customerView(customer, notes.get(customer.customerId), sources));
  const known = new Set(customers.map((c) => c.customerId));
  return {
    customers: views,
    others: records
      .filter((r) => !known.has(r.customerId))
      .map((record) => unsentView(record, sources))
      .reverse(),
    generatedAt: now.toISOString(),
  };
}

function customerView(customer: Customer, note: string | undefined, sources: Sources): CustomerView {
  const channels: CustomerView['channels'] = { push: [], sms: [], email: [], in_app: [] };
  const unsent: UnsentView[] = [];
  const records = sources.records.filter((r) => r.customerId === customer.customerId).reverse();
  for (const record of records) {
    if (record.attempts.length === 0) {
      unsent.push(unsentView(record, sources, customer.timeZone));
      continue;
    }
    for (const attempt of record.attempts) channels[attempt.channel].push(messageView(record, attempt, sources, customer.timeZone));
  }
  return { ...describeCustomer(customer, note, sources.now), channels, unsent };
}

function messageView(record: DeliveryRecord, attempt: Attempt, sources: Sources, timeZone: string | undefined): MessageView {
  const sent = attempt.outcome === 'SENT';
  const content = contentOf(record, attempt, sources);
  const timing = timingView(record, timeZone, sources.wakes, sources.now);
  return {
    requestId: record.requestId,
    ...(record.template ? { template: record.template } : {}),
    ...(record.category ? { category: record.category } : {}),
    channel: attempt.channel,
    status: sent ? record.status : 'FAILED',
    ...(sent ? {} : { attempt: { outcome: attempt.outcome, ...(attempt.error ? { code: attempt.error.code, message: attempt.error.message } : {}) } }),
    why: [channelReasons(record, attempt.channel), exclusionsNote(record)].filter(Boolean).join('; '),
    summary: explainRecord(record),
    createdAt: record.createdAt,
    timeline: record.timeline.filter((e) => e.channel === undefined || e.channel === attempt.channel),
    ...(record.decision ? { decision: record.decision } : {}),
    ...(content ? { content } : {}),
    ...(timing ? { timing } : {}),
  };
}

function unsentView(record: DeliveryRecord, sources: Sources, timeZone?: string): UnsentView {
  const timing = timingView(record, timeZone, sources.wakes, sources.now);
  return {
    requestId: record.requestId,
    ...(record.template ? { template: record.template } : {}),
    status: record.status,
    summary: explainRecord(record),
    createdAt: record.createdAt,
    timeline: record.timeline,
    ...(record.decision ? { decision: record.decision } : {}),
    ...(timing ? { timing } : {}),
  };
}

/** What the provider actually received for this attempt, found by the ids each one keeps. */
function contentOf(record: DeliveryRecord, attempt: Attempt, sources: Sources): Record<string, unknown> | undefined {
  switch (attempt.channel) {
    case 'push': {
      const push = sources.push.filter((p) => p.traceId === record.requestId || p.data?.requestId === record.requestId).at(-1);
      return push && { title: push.title, body: push.body, url: push.url, at: push.at, results: push.results.map((r) => ({ token: r.token, status: r.status })) };
    }
    case 'sms': {
      const sms = sources.sms.find((s) => s.messageId === attempt.providerMessageId);
      if (!sms) return undefined;
      const measured = measureSms(sms.message);
      return {
        body: sms.message,
        to: sms.phoneNumber,
        at: sms.at,
        carrier: sms.status,
        providerResponse: sms.providerResponse,
        encoding: measured.encoding,
        segments: measured.segments,
      };
    }
    case 'email': {
      const email = sources.emails.find((e) => e.headers?.some((h) => h.name.toLowerCase() === REQUEST_ID_HEADER.toLowerCase() && h.value === record.requestId));
      if (!email) return undefined;
      const unsubscribe = email.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value.replace(/^<|>$/g, '');
      return {
        messageId: email.messageId,
        subject: email.subject,
        from: email.from,
        to: email.destination.to,
        html: email.body.html ?? '',
        text: email.body.text ?? '',
        at: new Date(email.at * 1000).toISOString(),
        ...(unsubscribe ? { unsubscribe } : {}),
      };
    }
    case 'in_app': {
      const item = sources.inbox.find((i) => i.requestId === record.requestId);
      return item && { id: item.sk, title: item.title, body: item.body, action: item.action, status: item.status, at: item.createdAt };
    }
  }
}

async function scan(system: LocalSystem, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await system.documents.send(new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
