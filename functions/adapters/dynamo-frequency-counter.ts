import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { capWindow } from '../core/cap-window.js';
import type { CapSlot, FrequencyCounter } from '../core/ports.js';
import { isConditionalCheckFailed, toSwitchboardError } from './aws-errors.js';

export interface DynamoFrequencyCounterOptions {
  tableName: string;
}

const DAY_MS = 86_400_000;
/** Kept a little past the week so a late read of last week's counter still finds it. */
const TTL_GRACE_DAYS = 8;

/**
 * One item per customer × channel × category × ISO week (UTC), holding the week's count and one
 * count per day. A single conditional ADD checks and counts at once, so concurrent senders can
 * never push a counter past its cap. Windows are calendar-based (UTC day, ISO week), not trailing.
 */
export class DynamoFrequencyCounter implements FrequencyCounter {
  private readonly tableName: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoFrequencyCounterOptions,
  ) {
    this.tableName = options.tableName;
  }

  async tryConsume(input: Parameters<FrequencyCounter['tryConsume']>[0]): Promise<{ allowed: boolean }> {
    const { perDay, perWeek } = input.limits;
    if (perDay === undefined && perWeek === undefined) return { allowed: true };
    // A zero cap would pass `attribute_not_exists` on a fresh counter; it simply means never.
    if ((perDay !== undefined && perDay <= 0) || (perWeek !== undefined && perWeek <= 0)) return { allowed: false };

    const window = calendarWindow(input.now);
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':one': 1, ':expires': window.expiresAtEpoch };
    if (perWeek !== undefined) {
      conditions.push('(attribute_not_exists(#week) OR #week < :perWeek)');
      values[':perWeek'] = perWeek;
    }
    if (perDay !== undefined) {
      conditions.push('(attribute_not_exists(#day) OR #day < :perDay)');
      values[':perDay'] = perDay;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { counterKey: counterKey(input.customerId, input.channel, input.category, window.week) },
          UpdateExpression: 'ADD #week :one, #day :one SET #expires = :expires',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#week': 'week', '#day': `d${window.day}`, '#expires': 'expiresAtEpoch' },
          ExpressionAttributeValues: values,
        }),
      );
      return { allowed: true };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { allowed: false };
      throw toSwitchboardError(error, 'counters UpdateItem');
    }
  }

  /**
   * Both counts go down together, and only while both are positive: the slot was taken by one
   * ADD on both, so a refund can never leave the day and the week disagreeing or below zero.
   */
  async refund(slot: CapSlot): Promise<void> {
    const window = calendarWindow(slot.now);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { counterKey: counterKey(slot.customerId, slot.channel, slot.category, window.week) },
          UpdateExpression: 'ADD #week :minusOne, #day :minusOne',
          ConditionExpression: '#week > :zero AND #day > :zero',
          ExpressionAttributeNames: { '#week': 'week', '#day': `d${window.day}` },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      throw toSwitchboardError(error, 'counters UpdateItem (refund)');
    }
  }
}

export function counterKey(customerId: string, channel: string, category: string, isoWeek: string): string {
  return `${customerId}#${channel}#${category}#${isoWeek}`;
}

/** The cap windows of `now`, and when the week's counter may expire. */
export function calendarWindow(now: Date): { day: string; week: string; expiresAtEpoch: number } {
  const { day, week, weekEndsAt } = capWindow(now);
  return { day, week, expiresAtEpoch: Math.floor((weekEndsAt + TTL_GRACE_DAYS * DAY_MS) / 1000) };
}
