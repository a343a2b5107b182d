import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { WakeTarget } from '../core/timing/wake.js';
import { deleteWakeSchedule } from './eventbridge-wake-scheduler.js';

export interface EventBridgeWakeCancellerOptions {
  /** The schedule group of the wakes; no schedule outside it is ever touched. */
  groupName: string;
}

/**
 * Deletes wake schedules and does nothing else: for the handlers that bring a wake forward to now
 * as a message on the queue and must leave no schedule behind to fire later. It never creates or
 * moves a schedule, so it needs neither the role schedules run as nor the right to pass it.
 */
export class EventBridgeWakeCanceller {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeWakeCancellerOptions,
  ) {}

  /** Best effort and idempotent, as `WakeScheduler.cancel`: a schedule already gone is no error. */
  cancel(target: WakeTarget): Promise<void> {
    return deleteWakeSchedule(this.client, this.options.groupName, target);
  }
}
