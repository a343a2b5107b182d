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
