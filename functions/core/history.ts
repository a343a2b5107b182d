import { instantMs } from './instant.js';
import { describeDuration } from './timing/duration.js';
import {
  type Attempt,
  type Category,
  type Channel,
  CHANNELS,
  type ConsentValue,
  type DeliveryRecord,
  type DeliveryStatus,
  type EscalationState,
  type ExclusionReason,
  type Problem,
  type RankedChannel,
  SCORE_COMPONENTS,
  type Surface,
  type TimelineEvent,
  type TimingNote,
} from './model.js';

/** Reads a customer's delivery records, newest first; the delivery log adapter implements it. */
export interface DeliveryHistory {
  listByCustomer(customerId: string, page: { limit?: number; cursor?: string }): Promise<{ items: DeliveryRecord[]; cursor?: string }>;
}

/** Reads one delivery record by its request id; the delivery log adapter implements it. */
export interface DeliveryLookup {
  getDelivery(requestId: string): Promise<DeliveryRecord | undefined>;
}

/** Reads the consent a customer record holds, as stored; undefined when there is no record or no consent. */
export interface ConsentReader {
  consentOf(customerId: string): Promise<unknown>;
}

/** One consent decision on the customer record: what, on which channel, since when, and who made it. */
export interface ConsentProvenance {
  channel: Channel;
  /** A registry topic, or `"*"` for every topic on the channel. */
  topic: string;
  value: ConsentValue;
  /** Absent for an entry written without one (an import, a bare `"opt_in"`). */
  at?: string;
  source?: string;
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
    /** Where the customer was when it was decided, when that was known. */
    moment?: Surface;
    /** When the clock had a say: sent now, deferred until when, or expired, and why. */
    timing?: TimingNote;
  };
  attempts: Pick<Attempt, 'channel' | 'at' | 'outcome' | 'error'>[];
  problems?: Problem[];
  /** While `DEFERRED`: when the message is decided again. */
  deferredUntil?: string;
  /** Under strategy `escalate`: each step with its reason, the next look while it runs, and how it ended. */
  escalation?: EscalationState;
  /** The answer to "why did she get this, on that channel?" in a few lines. */
  why: string[];
}

/**
 * Built field by field, so storage attributes (leases, de-duplication sets, TTL) never leak out,
 * nor what a waiting record keeps for itself: the stored request (personal data) and its wake.
 */
export function historyEntry(record: DeliveryRecord): HistoryEntry {
  const ranked = (record.decision?.ranked ?? []).map(({ channel, score, reasons }) => ({ channel, score, reasons }));
  const excluded = (record.decision?.excluded ?? []).map(({ channel, reason, detail }) => ({ channel, reason, ...(detail ? { detail } : {}) }));
  const timing = record.decision?.timing ? timingOf(record.decision.timing) : undefined;
  const moment = record.decision?.moment;
  const attempts = record.attempts.map(({ channel, at, outcome, error }) => ({ channel, at, outcome, ...(error ? { error } : {}) }));
  const escalation = record.escalation ? escalationOf(record.escalation) : undefined;
  const sent = record.channels ?? (record.channel ? [record.channel] : []);
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
    timeline: chronological(record.timeline),
    decision: { ranked, excluded, ...(moment ? { moment } : {}), ...(timing ? { timing } : {}) },
    attempts,
    ...(record.problems?.length ? { problems: record.problems } : {}),
    ...(record.deferredUntil ? { deferredUntil: record.deferredUntil } : {}),
    ...(escalation ? { escalation } : {}),
    why: [
      ...explainTiming(timing),
      ...(moment ? [`moment: ${moment}`] : []),
      ...explain(sent, record.decision?.ranked ?? [], excluded, attempts, record.problems ?? []),
      ...explainEscalation(escalation),
    ],
  };
}

function timingOf({ outcome, reason, until, channel, reasons }: TimingNote): TimingNote {
  return { outcome, ...(reason ? { reason } : {}), ...(until ? { until } : {}), ...(channel ? { channel } : {}), reasons: [...reasons] };
}

function escalationOf({ afterMs, steps, nextAt, stopped }: EscalationState): EscalationState {
  return {
    afterMs,
    steps: steps.map(({ channel, sentAt, reason }) => ({ channel, sentAt, reason })),
    ...(nextAt ? { nextAt } : {}),
    ...(stopped ? { stopped: { cause: stopped.cause, reason: stopped.reason, at: stopped.at } } : {}),
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
/**
 * Lines about the choice itself rather than a part of the score (scoring adds one to the winner
 * when exploration changed it): always shown, since without them the ranking seems wrong.
 */
const CHOICE_NOTES = ['explored: '];

function explain(
  sentOn: readonly Channel[],
  ranked: readonly RankedChannel[],
  excluded: HistoryEntry['decision']['excluded'],
  attempts: HistoryEntry['attempts'],
  problems: Problem[],
): string[] {
  const lines: string[] = [];
  ranked.forEach((r, i) => {
    const chosen = sentOn.includes(r.channel) ? ', sent' : '';
    lines.push(`#${i + 1} ${r.channel} (score ${r.score.toFixed(3)}${chosen}): ${weightiestReasons(r) || 'no reasons recorded'}`);
  });
  for (const e of excluded) lines.push(`excluded ${e.channel}: ${e.reason}${e.detail ? ` (${e.detail})` : ''}`);
  for (const a of attempts) if (a.error) lines.push(`${a.channel} attempt failed: ${a.error.code}`);
  for (const p of problems) lines.push(`problem: ${p.path ? `${p.path}: ` : ''}${p.message}`);
  return lines;
}

/**
 * The reasons that moved the score most, largest weighted part first whatever its sign (a cost
 * of -0.30 says more than an engagement of +0.05), then any note on the choice, then how many
 * more there are. Each reason names its component first (`context +0.40: …`, see scoring.ts);
 * one that names none, as an older record may hold, keeps its place behind them.
 */
function weightiestReasons({ reasons, components }: Pick<RankedChannel, 'reasons'> & { components?: RankedChannel['components'] }): string {
  const weight = (reason: string) => {
    const name = SCORE_COMPONENTS.find((component) => reason.startsWith(`${component} `));
    return name ? Math.abs(components?.[name] ?? 0) : 0;
  };
  const isNote = (reason: string) => CHOICE_NOTES.some((prefix) => reason.startsWith(prefix));
  const parts = reasons.filter((reason) => !isNote(reason));
  const ordered = parts.map((reason, index) => ({ reason, index, weight: weight(reason) })).sort((a, b) => b.weight - a.weight || a.index - b.index);
  const shown = ordered.slice(0, TOP_REASONS).map(({ reason }) => reason);
  const more = parts.length - shown.length;
  return [...shown, ...reasons.filter(isNote), ...(more > 0 ? [`+${more} more`] : [])].join('; ');
}

/**
 * First, when the clock had a say: the reasons already read on the customer's clock ("push is in
 * quiet hours until 08:00 Asia/Tokyo"), so the line needs no time zone of its own.
 */
function explainTiming(timing: TimingNote | undefined): string[] {
  if (!timing) return [];
  const reasons = timing.reasons.join('; ') || 'no reasons recorded';
  switch (timing.outcome) {
    case 'defer':
      return [`deferred${timing.reason ? ` (${timing.reason})` : ''}${timing.until ? ` until ${timing.until}` : ''}: ${reasons}`];
    case 'expire':
      return [`expired${timing.reason ? ` (${timing.reason})` : ''}: ${reasons}`];
    default:
      return [`timing: ${reasons}`];
  }
}

/** Last, what happened after the first send: each further step, the next look, and the end. */
function explainEscalation(escalation: EscalationState | undefined): string[] {
  if (!escalation) return [];
  const [first, ...later] = escalation.steps;
  const lines: string[] = [];
  if (first) lines.push(`escalation: ${first.reason}; the next channel after ${describeDuration(escalation.afterMs)} without engagement`);
  for (const step of later) lines.push(`escalated: ${step.reason}`);
  if (escalation.nextAt && !escalation.stopped) lines.push(`escalation: next look at ${escalation.nextAt}`);
  if (escalation.stopped) lines.push(`escalation stopped: ${escalation.stopped.reason}`);
  return lines;
}

/**
 * Every consent entry of a stored record, newest first, undated entries last. The record keeps
 * the latest decision per channel and topic, so this is the provenance of what holds now; an
 * entry with an unreadable value is left out, as the consent rules ignore it.
 */
export function consentProvenance(consent: unknown): ConsentProvenance[] {
  if (!isMap(consent)) return [];
  const entries: ConsentProvenance[] = [];
  for (const channel of CHANNELS) {
    const topics = consent[channel];
    if (!isMap(topics)) continue;
    for (const [topic, entry] of Object.entries(topics)) {
      const facts = isMap(entry) ? entry : { value: entry };
      if (facts.value !== 'opt_in' && facts.value !== 'opt_out') continue;
      const ms = instantMs(facts.updatedAt);
      entries.push({
        channel,
        topic,
        value: facts.value,
        ...(ms !== undefined ? { at: new Date(ms).toISOString() } : {}),
        ...(typeof facts.source === 'string' && facts.source !== '' ? { source: facts.source } : {}),
      });
    }
  }
  return entries.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
}

export type HistoryEvent = { kind: 'message'; entry: HistoryEntry } | { kind: 'consent'; change: ConsentProvenance };

/**
 * Messages (newest first, as a page lists them) with the consent decisions between them by
 * time, so a reader sees which decision stood when each message was sent. A decision older than
 * the oldest message shown belongs to an older page: it is shown only when `complete` (no older
 * page exists), last, as are undated ones. `olderConsent` counts what was left for older pages.
 */
export function interleaveConsent(items: readonly HistoryEntry[], consent: readonly ConsentProvenance[], complete: boolean): { events: HistoryEvent[]; olderConsent: number } {
  const events: HistoryEvent[] = [];
  let next = 0;
  for (const entry of items) {
    while (next < consent.length && (consent[next] as ConsentProvenance).at !== undefined && ((consent[next] as ConsentProvenance).at as string) >= entry.createdAt) {
      events.push({ kind: 'consent', change: consent[next] as ConsentProvenance });
      next++;
    }
    events.push({ kind: 'message', entry });
  }
  const rest = consent.slice(next);
  if (complete || items.length === 0) {
    for (const change of rest) events.push({ kind: 'consent', change });
    return { events, olderConsent: 0 };
  }
  return { events, olderConsent: rest.length };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
