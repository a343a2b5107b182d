import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { RetryableError } from '../core/errors.js';
import type { EntryBus } from '../core/events/ports.js';
import { statusEntriesOf } from './status-events.js';

/** The code of the error thrown when the bus still refuses entries after its own retries. */
export const SMS_STATUS_EVENTS_REFUSED = 'SMS_STATUS_EVENTS_REFUSED';

export interface SmsStatusFanoutDeps {
  bus: EntryBus;
}

export interface SmsStatusFanoutSummary {
  /** Log events put on the bus. */
  forwarded: number;
  /** Log events, or whole payloads, that could not become an event; never retried. */
  skipped: number;
}

/**
 * The SMS status fan-out over the given bus: each log event of a CloudWatch Logs subscription
 * delivery becomes one event on the default bus, where every stage's rule picks it up. An entry
 * the bus still refuses fails the invocation, retryably, so that Lambda's asynchronous retries and
 * then the on-failure destination take the whole delivery: the entries already put go again, which
 * is harmless because feedback applies each SNS status once.
 */
export function createSmsStatusFanoutHandler(deps: SmsStatusFanoutDeps, logger: Logger) {
  async function fanOut(event: unknown): Promise<SmsStatusFanoutSummary> {
    const { entries, skipped } = statusEntriesOf(event);
    for (const problem of skipped) logger.info('log event skipped', { path: problem.path, reason: problem.message });
    const refused = entries.length > 0 ? await deps.bus.put(entries) : [];
    if (refused.length > 0) {
      const codes = [...new Set(refused.map((r) => r.code))];
      logger.warn('SMS status events refused; the invocation fails so that Lambda retries it', { refused: refused.length, codes });
      throw new RetryableError(`${refused.length} of ${entries.length} SMS status events refused (${codes.join(', ')})`, SMS_STATUS_EVENTS_REFUSED);
    }
    const summary = { forwarded: entries.length, skipped: skipped.length };
    logger.debug('SMS status events forwarded', { ...summary });
    return summary;
  }
  return middy(fanOut).use(injectLambdaContext(logger));
}
