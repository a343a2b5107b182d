import { capWindow } from '../functions/core/cap-window.js';
import { defaultDecisionConfig } from '../functions/core/config.js';
import type { DeliveryRecord } from '../functions/core/model.js';
import type { Acceptance, Observations } from './collect.js';
import { consentAllows } from './consent-oracle.js';
import type { ConsentChange } from './feedback-pump.js';
import type { Invocation } from './invoker.js';
import { requestIdOf } from './invoker.js';
import type { LogScan } from './log-scan.js';
import type { Population } from './population.js';
import type { Workload } from './workload.js';

export interface Violation {
  requestId: string;
  detail: string;
}

export interface InvariantResults {
  /** (1) Valid requests without exactly one terminal record. */
  lost: Violation[];
  /** Poison that got no REJECTED record: the README promises one for every broken message. */
  poisonUnrecorded: Violation[];
  /** (2) A channel of one request accepted by a provider more than once. */
  duplicated: Violation[];
  /** (3) A message on a channel the customer's consent excluded when it was sent. */
  unconsented: Violation[];
  /** (4) Messages past a frequency cap, one entry per window exceeded. */
  overCap: Violation[];
  /** (5) Dead letters whose delivery record does not say why they failed. */
  deadLetters: { total: number; unexplained: Violation[] };
  /** (6) Personal data or message content in the handlers' logs. */
  logs: LogScan;
  statuses: Record<string, number>;
  /** Why requests ended FAILED or RENDER_FAILED: each failed attempt's code and the start of its message. */
  failures: Record<string, number>;
  unattributed: string[];
  /** Messages a provider accepted that the request's record does not list as a sent attempt: its history is incomplete. */
  offRecord: Violation[];
  /** Provider events for accepted messages that the feedback handler refused as not belonging to their record. */
  refusedFeedback: Violation[];
  /** How much the run exercised each promise: without these, zero violations would prove little. */
  coverage: {
    accepted: number;
    /** Exclusions on record by reason (consent, caps reached at send time, quiet hours, ...). */
    exclusions: Record<string, number>;
    consentChanges: Record<string, number>;
    /** Requests of a customer handled by an invocation that started after feedback changed that customer's consent. */
    requestsAfterConsentChange: number;
    /** Accepted messages to a customer on a channel after feedback changed that customer's consent there. */
    sendsAfterConsentChange: number;
  };
}

export interface InvariantInputs {
  people: Population;
  work: Workload;
  seen: Observations;
  invocations: Invocation[];
  consentChanges: ConsentChange[];
  /** Feedback events the handler answered `mismatch`, by request. */
  mismatchedFeedback: { requestId: string; event: string }[];
  /** Message ids of poison that carries no request id, whose record is `sqs:<message id>`. */
  unnamedPoison: { messageId: string; kind: string }[];
  logs: LogScan;
}

const TERMINAL_WHY = (record: DeliveryRecord) => record.status !== 'ACCEPTED' && record.timeline.length > 0;

/** Checks every promise against what the tables, the providers' logs and the queues hold. */
export function checkInvariants(input: InvariantInputs): InvariantResults {
  const { work, seen } = input;
  const history = invocationHistory(input.invocations);
  const deadLetterIds = new Set(seen.deadLetters.map((d) => requestIdOf(d.body) ?? `sqs:${d.messageId}`));
  const describe = (requestId: string) => {
    const record = seen.records.get(requestId);
    const parts = [record ? `record ${record.status}` : 'no record'];
    if (record?.lastRetry) parts.push(`last retry ${record.lastRetry.code}`);
    if (record?.retries) parts.push(`${record.retries} retries`);
    if (deadLetterIds.has(requestId)) parts.push('in the DLQ');
    parts.push(`invocations: ${history(requestId)}`);
    return parts.join(', ');
  };

  const lost: Violation[] = [];
  const poisonUnrecorded: Violation[] = [];
  for (const request of work.requests) {
    const record = seen.records.get(request.requestId);
    const ok = record !== undefined && record.status !== 'ACCEPTED';
    if (ok && (request.valid || record.status === 'REJECTED')) continue;
    const violation = { requestId: request.requestId, detail: `${request.poison ? `poison ${request.poison}: ` : ''}${describe(request.requestId)}` };
    (request.valid ? lost : poisonUnrecorded).push(violation);
  }
  for (const poison of input.unnamedPoison) {
    const key = `sqs:${poison.messageId}`;
    if (seen.records.get(key)?.status !== 'REJECTED') poisonUnrecorded.push({ requestId: key, detail: `poison ${poison.kind}: ${describe(key)}` });
  }

  const byChannel = new Map<string, Acceptance[]>();
  for (const a of seen.acceptances) byChannel.set(`${a.requestId} ${a.channel}`, [...(byChannel.get(`${a.requestId} ${a.channel}`) ?? []), a]);
  const duplicated: Violation[] = [];
  for (const [key, list] of byChannel) {
    if (list.length < 2) continue;
    const [requestId, channel] = key.split(' ') as [string, string];
    const accepted = list.map((a) => `${a.id.slice(0, 12)} at ${new Date(a.at).toISOString().slice(11, 23)}`).join(', ');
    const attempts = (seen.records.get(requestId)?.attempts ?? [])
      .map((t) => `${t.channel} ${t.outcome}${t.providerMessageId ? ` ${t.providerMessageId.slice(0, 12)}` : ''}`)
      .join(', ');
    duplicated.push({ requestId, detail: `${channel} accepted ${list.length}× (${accepted}); attempts on record: ${attempts || 'none'}; ${describe(requestId)}` });
  }

  return {
    lost,
    poisonUnrecorded,
    duplicated,
    unconsented: unconsented(input, history),
    overCap: overCap(input),
    deadLetters: {
      total: seen.deadLetters.length,
      unexplained: seen.deadLetters.flatMap((letter) => {
        const key = requestIdOf(letter.body) ?? `sqs:${letter.messageId}`;
        const record = seen.records.get(key);
        const explained = record !== undefined && (TERMINAL_WHY(record) || (record.status === 'ACCEPTED' && record.lastRetry?.code !== undefined));
        return explained ? [] : [{ requestId: key, detail: `dead letter (${letter.body.length} bytes): ${describe(key)}` }];
      }),
    },
    logs: input.logs,
    statuses: tally([...seen.records.values()].map((r) => r.status)),
    failures: tally(
      [...seen.records.values()]
        .filter((r) => r.status === 'FAILED' || r.status === 'RENDER_FAILED')
        .flatMap((r) => r.attempts.filter((t) => t.error).map((t) => `${t.error?.code}: ${t.error?.message.slice(0, 100)}`)),
    ),
    unattributed: seen.unattributed,
    refusedFeedback: input.mismatchedFeedback.map(({ requestId, event }) => {
      const record = seen.records.get(requestId);
      const attempts = (record?.attempts ?? []).map((t) => `${t.channel} ${t.outcome}`).join(', ');
      return {
        requestId,
        detail: `${event} refused; strategy ${record?.strategy ?? '?'}, record ${record?.status ?? 'missing'} on ${record?.channels?.join('+') ?? record?.channel ?? 'no channel'}, attempts: ${attempts || 'none'}`,
      };
    }),
    offRecord: seen.acceptances.flatMap((a) => {
      const record = seen.records.get(a.requestId);
      const listed = (record?.attempts ?? []).some((t) => t.outcome === 'SENT' && t.channel === a.channel && t.providerMessageId === a.id);
      return listed
        ? []
        : [{ requestId: a.requestId, detail: `${a.channel} ${a.id.slice(0, 24)} accepted at ${new Date(a.at).toISOString().slice(11, 23)}; ${describe(a.requestId)}` }];
    }),
    coverage: {
      accepted: seen.acceptances.length,
      exclusions: tally([...seen.records.values()].flatMap((r) => (r.decision?.excluded ?? []).map((e) => e.reason))),
      consentChanges: tally(input.consentChanges.map((c) => c.kind)),
      requestsAfterConsentChange: new Set(
        input.invocations.flatMap((inv) =>
          inv.requestIds.filter((id) => {
            const customerId = work.byId.get(id)?.customerId;
            return input.consentChanges.some((c) => c.customerId === customerId && inv.startedAt > c.committedAt);
          }),
        ),
      ).size,
      sendsAfterConsentChange: seen.acceptances.filter((a) => {
        const customerId = work.byId.get(a.requestId)?.customerId;
        return input.consentChanges.some((c) => c.customerId === customerId && c.channel === a.channel && a.at > c.committedAt);
      }).length,
    },
  };
}

function unconsented(input: InvariantInputs, history: (requestId: string) => string): Violation[] {
  const violations: Violation[] = [];
  const readAt = customerReadTimes(input.invocations);
  for (const a of input.seen.acceptances) {
    const request = input.work.byId.get(a.requestId);
    const person = request ? input.people.byId.get(request.customerId) : undefined;
    if (!request || !person) continue;
    if (!consentAllows(person.customer.consent, a.channel, request.category, request.topic)) {
      violations.push({
        requestId: a.requestId,
        detail: `${a.channel} to ${person.profile} customer ${person.customer.customerId} (${request.category}/${request.topic}); invocations: ${history(a.requestId)}`,
      });
      continue;
    }
    const read = readAt(a);
    for (const change of input.consentChanges) {
      if (change.customerId !== person.customer.customerId || change.channel !== a.channel) continue;
      if (change.kind === 'complaint' && request.category !== 'marketing') continue;
      if (read > change.committedAt) {
        violations.push({
          requestId: a.requestId,
          detail: `${a.channel} ${request.category} after the ${change.kind} of ${change.customerId} was recorded (${new Date(change.committedAt).toISOString().slice(11, 23)}; the sending invocation started ${new Date(read).toISOString().slice(11, 23)})`,
        });
      }
    }
  }
  return violations;
}

/**
 * The earliest an invocation that could have sent `a` started: it read the customer after that.
 * A send is only held to a consent change when even this invocation started after the change.
 */
function customerReadTimes(invocations: Invocation[]) {
  const byRequest = new Map<string, Invocation[]>();
  for (const inv of invocations) for (const id of inv.requestIds) byRequest.set(id, [...(byRequest.get(id) ?? []), inv]);
  return (a: Acceptance): number => {
    const all = byRequest.get(a.requestId) ?? [];
    const during = all.filter((inv) => inv.startedAt <= a.at + 50 && (inv.endedAt === undefined || inv.endedAt >= a.at - 50));
    const candidates = during.length > 0 ? during : all;
    return candidates.length > 0 ? Math.min(...candidates.map((inv) => inv.startedAt)) : a.at;
  };
}

function overCap(input: InvariantInputs): Violation[] {
  const counts = new Map<string, { n: number; limit: number; ids: string[] }>();
  for (const a of input.seen.acceptances) {
    const request = input.work.byId.get(a.requestId);
    if (!request) continue;
    const limits = defaultDecisionConfig.caps[a.channel][request.category];
    if (!limits) continue;
    const window = capWindow(new Date(a.countedAt));
    const slots: [string, number | undefined][] = [
      [`${request.customerId} ${a.channel} ${request.category} ${window.day}`, limits.perDay],
      [`${request.customerId} ${a.channel} ${request.category} ${window.week}`, limits.perWeek],
    ];
    for (const [key, limit] of slots) {
      if (limit === undefined) continue;
      const entry = counts.get(key) ?? { n: 0, limit, ids: [] };
      entry.n++;
      entry.ids.push(a.requestId);
      counts.set(key, entry);
    }
  }
  return [...counts]
    .filter(([, c]) => c.n > c.limit)
    .map(([key, c]) => ({ requestId: c.ids[c.ids.length - 1] ?? '', detail: `${key}: ${c.n} accepted, cap ${c.limit} (${c.ids.join(', ')})` }));
}

/** `completed, crash, timeout, threw`: what became of each invocation that received the request. */
function invocationHistory(invocations: Invocation[]) {
  const byRequest = new Map<string, string[]>();
  for (const inv of invocations) {
    for (const id of inv.requestIds) {
      const caught = inv.caughtInWindow?.includes(id) ? ' (caught between send and record)' : '';
      const error = inv.error ? ` (${inv.error.slice(0, 120)})` : '';
      byRequest.set(id, [...(byRequest.get(id) ?? []), `#${inv.id} ${inv.outcome ?? 'running'}${caught}${error}`]);
    }
  }
  return (requestId: string) => (byRequest.get(requestId) ?? ['none']).join('; ');
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
