import type { Channel, DeliveryRecord, RankedChannel } from '../core/model.js';

/**
 * Plain-language answers to "why this channel?" read from the delivery record alone, the way
 * customer service would: the winning channel's strongest score reasons, the channels that
 * failed before it, or why nothing was sent.
 */
export function explainRecord(record: DeliveryRecord): string {
  if (record.status === 'DEFERRED' && record.decision?.timing) return `deferred: ${record.decision.timing.reasons.join('; ')}`;
  const escalation = escalationNote(record);
  if (escalation) return [escalation, exclusionsNote(record)].filter(Boolean).join('; ');
  const failedFirst = record.attempts.filter((a) => a.outcome !== 'SENT' && a.channel !== record.channel);
  const failover = failedFirst.map((a) => `${a.channel} failed (${a.error?.code ?? a.outcome})`).join(', ');
  if (record.channel) {
    const why = channelReasons(record, record.channel, 2);
    return [failover ? `${failover} → ${record.channel}` : '', why, exclusionsNote(record)].filter(Boolean).join('; ');
  }
  if (record.problems?.length) return record.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  if (failover) return failover;
  const excluded = (record.decision?.excluded ?? []).filter((e) => e.reason !== 'NOT_IN_TEMPLATE');
  if (excluded.length > 0) return `no channel left: ${excluded.map((e) => `${e.channel} (${e.reason})`).join(', ')}`;
  return record.timeline.at(-1)?.detail ?? '';
}

/** Channels ruled out for this customer (consent, address, quiet hours, caps), not by the template or sender. */
export function exclusionsNote(record: DeliveryRecord): string {
  const excluded = (record.decision?.excluded ?? []).filter((e) => e.reason !== 'NOT_IN_TEMPLATE' && e.reason !== 'NOT_ALLOWED');
  return excluded.length > 0 ? `not ${excluded.map((e) => `${e.channel} (${e.reason})`).join(', ')}` : '';
}

/** The strongest reasons the scoring gave a channel, strongest first, without the numbers. */
export function channelReasons(record: DeliveryRecord, channel: Channel, limit = 3): string {
  const ranked = record.decision?.ranked.find((r) => r.channel === channel);
  if (!ranked) return '';
  const position = (record.decision?.ranked.indexOf(ranked) ?? 0) + 1;
  const reasons = strongest(ranked)
    .slice(0, limit)
    .map((reason) => reason.replace(/^\w+ [+-][\d.]+: /, ''));
  const lead = position === 1 ? 'ranked first' : `ranked #${position}`;
  return [lead, ...reasons].join(', ');
}

function strongest(ranked: RankedChannel): string[] {
  const size = (reason: string) => Math.abs(Number(/^\w+ ([+-][\d.]+):/.exec(reason)?.[1] ?? 0));
  return [...ranked.reasons].filter((reason) => size(reason) > 0 && !reason.startsWith('cost')).sort((a, b) => size(b) - size(a));
}

/** Once an escalation went past its first step: each step's reason, and how it ended if it did. */
export function escalationNote(record: DeliveryRecord): string {
  const state = record.escalation;
  if (!state || (state.steps.length < 2 && !state.stopped)) return '';
  return [...state.steps.map((step) => step.reason), state.stopped ? `stopped: ${state.stopped.reason}` : ''].filter(Boolean).join('; ');
}
