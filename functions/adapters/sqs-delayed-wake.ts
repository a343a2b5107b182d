import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WakeScheduler } from '../core/ports.js';
import type { Wake, WakeMessage } from '../core/timing/wake.js';
import { toSwitchboardError } from './aws-errors.js';

/** The longest delay SQS gives a message (15 minutes). */
export const SQS_MAX_DELAY_SECONDS = 900;

/** Whole seconds from `now` to `due`, rounded up so the message never arrives early, within what SQS allows. */
export function delaySeconds(due: Date, now: Date): number {
  const seconds = Math.ceil((due.getTime() - now.getTime()) / 1000);
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, seconds));
}

/**
 * Wakes that come due within 15 minutes, as a delayed message on the requests queue: no schedule
 * to create or delete. A wake due later would arrive early, at the 15-minute cap, so those go to
 * EventBridge Scheduler instead (`composition/wake-scheduler.ts` routes them). Arranging the
 * same wake twice sends it twice; the port allows a wake to arrive more than once, and only the
 * first of the two finds its token still expected on the delivery record.
 */
export class SqsDelayedWake implements WakeScheduler {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async schedule(wake: Wake, now: Date): Promise<void> {
    const message: WakeMessage = { wake: { requestId: wake.requestId, token: wake.token, kind: wake.kind } };
    await this.client
      .send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delaySeconds(wake.due, now) }))
      .catch((error: unknown) => Promise.reject(toSwitchboardError(error, 'SQS SendMessage')));
  }

  /**
   * Another message, due earlier. The one already on the queue cannot be moved; it arrives later
   * and finds its token spent.
   */
  bringForward(wake: Wake, now: Date): Promise<void> {
    return this.schedule(wake, now);
  }

  /**
   * Nothing to do: a delayed message cannot be taken back off the queue. It does no harm when it
   * arrives: the delivery record no longer expects its token, so the wake claims nothing.
   */
  async cancel(): Promise<void> {}
}
