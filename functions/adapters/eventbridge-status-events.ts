import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DeliveryStatusEvent } from '../core/events/delivery-status-event.js';
import type { PublishFailure, StatusEventBus } from '../core/events/ports.js';
import { EVENT_SOURCE } from '../definitions/events.js';
import type { BackoffOptions } from './backoff.js';
import { DEFAULT_PUT_EVENTS_BACKOFF, putEventsInChunks } from './eventbridge-put-events.js';

export interface EventBridgeStatusEventsOptions {
  /** The bus's name or ARN; `default` for the account's default bus. */
  busName: string;
  backoff?: BackoffOptions;
}

/** The EventBridge entry of an event: the detail as JSON, the time it happened, our source. */
export function putEventsEntry(event: DeliveryStatusEvent, busName: string): PutEventsRequestEntry {
  return { EventBusName: busName, Source: EVENT_SOURCE, DetailType: event.detailType, Detail: JSON.stringify(event.detail), Time: new Date(event.time) };
}

/**
 * Delivery status events on EventBridge, put ten per call with the refused ones tried again (see
 * `putEventsInChunks`). What is still refused then is handed back by event id, with its error code.
 */
export class EventBridgeStatusEvents implements StatusEventBus {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeStatusEventsOptions,
  ) {
    this.backoff = options.backoff ?? DEFAULT_PUT_EVENTS_BACKOFF;
  }

  async publish(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]> {
    const entries = events.map((event) => putEventsEntry(event, this.options.busName));
    const refused = await putEventsInChunks(this.client, entries, this.backoff);
    return refused.map(({ index, code }) => ({ eventId: events[index]?.detail.eventId ?? '', code }));
  }
}
