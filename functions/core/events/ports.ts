import type { DeliveryStatusEvent } from './delivery-status-event.js';

/** An event the bus could not take, even after its own retries, and the error code it gave. */
export interface PublishFailure {
  eventId: string;
  code: string;
}

/** Where delivery status events go: EventBridge when deployed, a file and the outbox page locally. */
export interface StatusEventBus {
  /**
   * Puts every event and resolves with those still refused after the bus's own retries. A refusal
   * is an answer, not an exception: the caller decides what to hand back for another try.
   */
  publish(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]>;
}

/**
 * One event for a bus, in the fields PutEvents takes, so that an adapter hands it on unchanged and
 * local mode can deliver it as EventBridge would. `Detail` is the JSON text of the detail.
 */
export interface BusEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time: Date;
}

/** An entry the bus still refused after its own retries: its position in what was put, and the error code. */
export interface RefusedEntry {
  index: number;
  code: string;
}

/** Where entries already built are put, whatever their source: EventBridge when deployed. */
export interface EntryBus {
  /** Puts every entry and resolves with those still refused; a refusal is an answer, not an exception. */
  put(entries: readonly BusEntry[]): Promise<RefusedEntry[]>;
}
