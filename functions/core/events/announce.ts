import type { DeliveryStatusEvent } from './delivery-status-event.js';
import type { StatusEventBus } from './ports.js';
import { type ItemChange, statusEventOf } from './status-change.js';

/** A stream record: its change, and the id the stream knows it by (the sequence number). */
export interface StreamChange extends ItemChange {
  id: string;
}

export interface AnnounceResult {
  /** Events the bus took. */
  published: number;
  /** Changes that announce nothing: no status change, ACCEPTED, a removal, or not a delivery record. */
  unannounced: number;
  /** Changes whose event the bus refused, with its code, to be handed back to the stream. */
  failed: { id: string; code: string }[];
}

/**
 * Announces each status change among `changes` once. What the bus refuses is reported by the
 * change's id, so the stream gives exactly those back (and, in order, what follows them): a
 * change announced again carries the same event id.
 */
export async function announceStatusChanges(changes: readonly StreamChange[], bus: StatusEventBus): Promise<AnnounceResult> {
  const events: DeliveryStatusEvent[] = [];
  const changeOf = new Map<string, string[]>();
  for (const change of changes) {
    const event = statusEventOf(change);
    if (!event) continue;
    events.push(event);
    const ids = changeOf.get(event.detail.eventId) ?? [];
    changeOf.set(event.detail.eventId, [...ids, change.id]);
  }
  const refused = events.length === 0 ? [] : await bus.publish(events);
  const failed = refused.flatMap((failure) => (changeOf.get(failure.eventId) ?? []).map((id) => ({ id, code: failure.code })));
  return { published: events.length - refused.length, unannounced: changes.length - events.length, failed };
}
