import type { DeliveryStatusEvent } from '../../core/events/delivery-status-event.js';
import type { PublishFailure, StatusEventBus } from '../../core/events/ports.js';

/** Delivery status events kept in order, for tests and dry runs; `refuse` makes the bus turn chosen events away. */
export class MemoryStatusEventBus implements StatusEventBus {
  readonly events: DeliveryStatusEvent[] = [];

  constructor(private readonly refuse: (event: DeliveryStatusEvent) => string | undefined = () => undefined) {}

  async publish(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]> {
    const failures: PublishFailure[] = [];
    for (const event of events) {
      const code = this.refuse(event);
      if (code) failures.push({ eventId: event.detail.eventId, code });
      else this.events.push(event);
    }
    return failures;
  }
}
