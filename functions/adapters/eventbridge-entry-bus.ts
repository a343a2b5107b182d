import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { BusEntry, EntryBus, RefusedEntry } from '../core/events/ports.js';
import type { BackoffOptions } from './backoff.js';
import { DEFAULT_PUT_EVENTS_BACKOFF, putEventsInChunks } from './eventbridge-put-events.js';

/**
 * Entries built by the caller, each naming its own bus, put on EventBridge ten per call with the
 * refused ones tried again (see `putEventsInChunks`); what is still refused is handed back.
 */
export class EventBridgeEntryBus implements EntryBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly backoff: BackoffOptions = DEFAULT_PUT_EVENTS_BACKOFF,
  ) {}

  async put(entries: readonly BusEntry[]): Promise<RefusedEntry[]> {
    return putEventsInChunks(this.client, entries, this.backoff);
  }
}
