import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DeliveryStatusEvent } from '../core/events/delivery-status-event.js';
import type { PublishFailure, StatusEventBus } from '../core/events/ports.js';
import { EVENT_SOURCE } from '../definitions/events.js';
import { toSwitchboardError } from './aws-errors.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';

/** PutEvents takes at most ten entries per call. */
export const PUT_EVENTS_LIMIT = 10;
const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

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
 * Delivery status events on EventBridge, ten entries per PutEvents. PutEvents may take part of a
 * call and refuse the rest (`FailedEntryCount`): the refused entries are put again, after a
 * jittered pause, up to `maxAttempts` tries in all; so is a whole call that failed retryably.
 * What is still refused then is handed back with its error code.
 */
export class EventBridgeStatusEvents implements StatusEventBus {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeStatusEventsOptions,
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async publish(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]> {
    const failures: PublishFailure[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_LIMIT) failures.push(...(await this.putChunk(events.slice(i, i + PUT_EVENTS_LIMIT))));
    return failures;
  }

  private async putChunk(events: readonly DeliveryStatusEvent[]): Promise<PublishFailure[]> {
    let refused = await this.put(events);
    for (let attempt = 1; refused.length > 0 && attempt < this.backoff.maxAttempts && refused.every((r) => r.retryable); attempt++) {
      await (this.backoff.sleep ?? defaultSleep)(jitteredDelay(attempt - 1, this.backoff));
      refused = await this.put(refused.map((r) => r.event));
    }
    return refused.map(({ event, code }) => ({ eventId: event.detail.eventId, code }));
  }

  /** One PutEvents call: the events it refused, each with a code and whether another try may take it. */
  private async put(events: readonly DeliveryStatusEvent[]): Promise<{ event: DeliveryStatusEvent; code: string; retryable: boolean }[]> {
    try {
      const output = await this.client.send(new PutEventsCommand({ Entries: events.map((event) => putEventsEntry(event, this.options.busName)) }));
      if (!output.FailedEntryCount) return [];
      // Entries answer in the order they were put; a refused one has an ErrorCode and no EventId.
      return events.flatMap((event, i) => {
        const entry = output.Entries?.[i];
        if (entry?.EventId && !entry.ErrorCode) return [];
        return [{ event, code: entry?.ErrorCode ?? 'UNKNOWN_ENTRY_ERROR', retryable: true }];
      });
    } catch (error) {
      const failure = toSwitchboardError(error, 'EventBridge PutEvents');
      return events.map((event) => ({ event, code: failure.code, retryable: failure.retryable }));
    }
  }
}
