import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { RefusedEntry } from '../core/events/ports.js';
import { toSwitchboardError } from './aws-errors.js';
import { type BackoffOptions, defaultSleep, jitteredDelay } from './backoff.js';

/** PutEvents takes at most ten entries per call. */
export const PUT_EVENTS_LIMIT = 10;
export const DEFAULT_PUT_EVENTS_BACKOFF: BackoffOptions = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

interface Refusal extends RefusedEntry {
  retryable: boolean;
}

/**
 * Puts entries ten per PutEvents call. PutEvents may take part of a call and refuse the rest
 * (`FailedEntryCount`): the refused entries are put again, after a jittered pause, up to
 * `maxAttempts` tries in all; so is a whole call that failed retryably. A chunk that stays refused
 * does not stop the ones after it. Resolves with what is still refused, by position in `entries`.
 */
export async function putEventsInChunks(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[], backoff: BackoffOptions): Promise<RefusedEntry[]> {
  const refused: RefusedEntry[] = [];
  for (let start = 0; start < entries.length; start += PUT_EVENTS_LIMIT) {
    const positions = Array.from({ length: Math.min(PUT_EVENTS_LIMIT, entries.length - start) }, (_, i) => start + i);
    refused.push(...(await putChunk(client, entries, positions, backoff)));
  }
  return refused;
}

async function putChunk(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[], positions: number[], backoff: BackoffOptions): Promise<RefusedEntry[]> {
  let refused = await put(client, entries, positions);
  for (let attempt = 1; refused.length > 0 && attempt < backoff.maxAttempts && refused.every((r) => r.retryable); attempt++) {
    await (backoff.sleep ?? defaultSleep)(jitteredDelay(attempt - 1, backoff));
    const again = refused.map((r) => r.index);
    refused = await put(client, entries, again);
  }
  return refused.map(({ index, code }) => ({ index, code }));
}

/** One PutEvents call of the entries at `positions`: those it refused, each with a code and whether another try may take it. */
async function put(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[], positions: number[]): Promise<Refusal[]> {
  try {
    const output = await client.send(new PutEventsCommand({ Entries: positions.map((index) => entries[index] as PutEventsRequestEntry) }));
    if (!output.FailedEntryCount) return [];
    // Entries answer in the order they were put; a refused one has an ErrorCode and no EventId.
    return positions.flatMap((index, i) => {
      const answer = output.Entries?.[i];
      if (answer?.EventId && !answer.ErrorCode) return [];
      return [{ index, code: answer?.ErrorCode ?? 'UNKNOWN_ENTRY_ERROR', retryable: true }];
    });
  } catch (error) {
    const failure = toSwitchboardError(error, 'EventBridge PutEvents');
    return positions.map((index) => ({ index, code: failure.code, retryable: failure.retryable }));
  }
}
