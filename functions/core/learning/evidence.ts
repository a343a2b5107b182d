import type { ChannelEngagement, EvidenceSnapshot } from '../model.js';
import { round4 } from '../numbers.js';

/** What a customer's history on one channel says: deliveries, and how many of them were opened or clicked. */
export interface Evidence {
  delivered: number;
  engaged: number;
}

const DAY_MS = 86_400_000;

/**
 * The counters as counted, never faded. Engaged is the larger of opened and clicked (a click
 * without a tracked open is still engagement), capped at delivered; delivered falls back to sent
 * where delivery is not reported.
 */
export function countedEvidence(history: ChannelEngagement | undefined): Evidence {
  const delivered = count(history?.delivered ?? history?.sent);
  const engaged = Math.min(Math.max(count(history?.opened), count(history?.clicked)), delivered);
  return { delivered, engaged };
}

/** How much evidence `ageMs` old still counts: one half per half-life. */
export function fade(ageMs: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0) || ageMs <= 0) return 1;
  return Math.pow(0.5, ageMs / (halfLifeDays * DAY_MS));
}

/**
 * The evidence as of `now`, faded by age (docs/decision.md, "Learning"). The snapshot holds faded
 * sums as of its `at` and the counters it had folded in; what the counters gained since carries
 * no date and counts in full, as recent. Without a snapshot nothing can be dated, so nothing fades.
 */
export function recentEvidence(history: ChannelEngagement | undefined, now: Date, halfLifeDays: number): Evidence {
  const counted = countedEvidence(history);
  const snapshot = usableSnapshot(history?.recent);
  if (!snapshot) return counted;
  const kept = fade(now.getTime() - Date.parse(snapshot.at), halfLifeDays);
  const newDelivered = Math.max(0, counted.delivered - snapshot.countedDelivered);
  const newEngaged = Math.min(Math.max(0, counted.engaged - snapshot.countedEngaged), newDelivered + snapshot.delivered * kept);
  const delivered = snapshot.delivered * kept + newDelivered;
  return { delivered, engaged: Math.min(snapshot.engaged * kept + newEngaged, delivered) };
}

/**
 * The snapshot to store once `after` (the counters with an engagement added) is written at `at`:
 * everything counted so far, faded to `at`. Values keep four decimals: enough to rank, and small.
 */
export function snapshotAt(before: ChannelEngagement | undefined, after: ChannelEngagement, at: Date, halfLifeDays: number): EvidenceSnapshot {
  const faded = recentEvidence(before, at, halfLifeDays);
  const was = countedEvidence(before);
  const now = countedEvidence(after);
  const delivered = faded.delivered + Math.max(0, now.delivered - was.delivered);
  const engaged = Math.min(faded.engaged + Math.max(0, now.engaged - was.engaged), delivered);
  return { at: at.toISOString(), delivered: round4(delivered), engaged: round4(engaged), countedDelivered: now.delivered, countedEngaged: now.engaged };
}

/** A snapshot another writer mangled is ignored rather than trusted: the counters still stand. */
function usableSnapshot(snapshot: EvidenceSnapshot | undefined): EvidenceSnapshot | undefined {
  if (!snapshot || typeof snapshot !== 'object') return undefined;
  const numbers = [snapshot.delivered, snapshot.engaged, snapshot.countedDelivered, snapshot.countedEngaged];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) return undefined;
  return Number.isNaN(Date.parse(snapshot.at)) ? undefined : snapshot;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
