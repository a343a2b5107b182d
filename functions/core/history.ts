import type { Attempt, Category, Channel, DeliveryRecord, DeliveryStatus, ExclusionReason, Problem, TimelineEvent } from './model.js';

/** Reads a customer's delivery records, newest first; the delivery log adapter implements it. */
export interface DeliveryHistory {
  listByCustomer(customerId: string, page: { limit?: number; cursor?: string }): Promise<{ items: DeliveryRecord[]; cursor?: string }>;
}

/** One message as customer service sees it: what happened, and why this channel. */
export interface HistoryEntry {
  requestId: string;
  createdAt: string;
  updatedAt?: string;
  template?: string;
  category?: Category;
  topic?: string;
  status: DeliveryStatus;
  channel?: Channel;
  channels?: Channel[];
  /** In the order things happened, not the order they were reported. */
  timeline: TimelineEvent[];
  decision: {
    ranked: { channel: Channel; score: number; reasons: string[] }[];
    excluded: { channel: Channel; reason: ExclusionReason; detail?: string }[];
  };
  attempts: Pick<Attempt, 'channel' | 'at' | 'outcome' | 'error'>[];
  problems?: Problem[];
  /** The answer to "why did she get this, on that channel?" in a few lines. */
  why: string[];
}

/** Built field by field, so storage attributes (leases, de-duplication sets, TTL) never leak out. */
export function historyEntry(record: DeliveryRecord): HistoryEntry {
  const ranked = (record.decision?.ranked ?? []).map(({ channel, score, reasons }) => ({ channel, score, reasons }));
  const excluded = (record.decision?.excluded ?? []).map(({ channel, reason, detail }) => ({ channel, reason, ...(detail ? { detail } : {}) }));
  const attempts = (record.attempts ?? []).map(({ channel, at, outcome, error }) => ({ channel, at, outcome, ...(error ? { error } : {}) }));
  return {
    requestId: record.requestId,
    createdAt: record.createdAt,
    ...(record.updatedAt ? { updatedAt: record.updatedAt } : {}),
    ...(record.template ? { template: record.template } : {}),
    ...(record.category ? { category: record.category } : {}),
    ...(record.topic ? { topic: record.topic } : {}),
    status: record.status,
    ...(record.channel ? { channel: record.channel } : {}),
    ...(record.channels ? { channels: record.channels } : {}),
    timeline: chronological(record.timeline ?? []),
    decision: { ranked, excluded },
    attempts,
    ...(record.problems?.length ? { problems: record.problems } : {}),
    why: explain(record.channel, ranked, excluded, attempts, record.problems ?? []),
  };
}

/** A stable sort: events reported at the same instant keep the order they were recorded in. */
function chronological(timeline: TimelineEvent[]): TimelineEvent[] {
  return timeline
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at.localeCompare(b.event.at) || a.index - b.index)
    .map(({ event }) => withoutEventId(event));
}

/** Event ids are for de-duplication; a reader has no use for them. */
function withoutEventId({ eventId: _id, ...event }: TimelineEvent): TimelineEvent {
  return event;
}

const TOP_REASONS = 3;

function explain(
  sentOn: Channel | undefined,
  ranked: HistoryEntry['decision']['ranked'],
  excluded: HistoryEntry['decision']['excluded'],
  attempts: HistoryEntry['attempts'],
  problems: Problem[],
): string[] {
  const lines: string[] = [];
  ranked.forEach((r, i) => {
    const chosen = r.channel === sentOn ? ', sent' : '';
    lines.push(`#${i + 1} ${r.channel} (score ${r.score.toFixed(3)}${chosen}): ${r.reasons.slice(0, TOP_REASONS).join('; ') || 'no reasons recorded'}`);
  });
  for (const e of excluded) lines.push(`excluded ${e.channel}: ${e.reason}${e.detail ? ` (${e.detail})` : ''}`);
  for (const a of attempts) if (a.error) lines.push(`${a.channel} attempt failed: ${a.error.code}`);
  for (const p of problems) lines.push(`problem: ${p.path ? `${p.path}: ` : ''}${p.message}`);
  return lines;
}
