import type { DeliveryStatus, TimelineEvent } from '../model.js';
import type { AddressChange } from '../ports.js';

/**
 * Timeline entries for what a send taught us about the customer's addresses (a dead or renewed
 * push token, a number that sent STOP), so the history shows why the next message avoids a
 * channel. The record's writer appends them next to the send's own entries; tokens and numbers
 * never appear, only how many were affected.
 */
export function addressChangeEvents(changes: readonly AddressChange[], status: DeliveryStatus, at: string): TimelineEvent[] {
  const dead = changes.filter((c) => c.kind === 'token_dead').length;
  const renewed = changes.filter((c) => c.kind === 'token_renewed').length;
  const events: TimelineEvent[] = [];
  if (dead > 0) events.push({ status, at, channel: 'push', detail: `${tokens(dead)} no longer valid: suppressed (invalid)` });
  if (renewed > 0) events.push({ status, at, channel: 'push', detail: `${tokens(renewed)} renewed by the provider` });
  if (changes.some((c) => c.kind === 'opted_out')) events.push({ status, at, channel: 'sms', detail: 'number opted out (STOP): suppressed, SMS consent opted out' });
  return events;
}

function tokens(count: number): string {
  return count === 1 ? 'push token' : `${count} push tokens`;
}
