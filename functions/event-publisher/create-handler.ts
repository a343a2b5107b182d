import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { announceStatusChanges } from '../core/events/announce.js';
import type { StatusEventBus } from '../core/events/ports.js';
import { changeOf } from './stream-records.js';

export interface EventPublisherDeps {
  bus: StatusEventBus;
}

/**
 * The deliveries table's stream handler over the given bus: the Lambda builds one at cold start,
 * local mode builds one over its own bus. A record whose event the bus refused is reported as a
 * batch item failure; the stream hands it back with everything after it, and after the
 * mapping's retries parks the batch's description in the dead-letter queue.
 */
export function createEventPublisherHandler(deps: EventPublisherDeps, logger: Logger) {
  async function publish(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const result = await announceStatusChanges(event.Records.map(changeOf), deps.bus);
    if (result.failed.length > 0) {
      logger.warn('status events refused; the stream hands their records back', {
        refused: result.failed.length,
        codes: [...new Set(result.failed.map((failure) => failure.code))],
      });
    }
    logger.debug('status events published', { published: result.published, unannounced: result.unannounced });
    return { batchItemFailures: result.failed.map((failure) => ({ itemIdentifier: failure.id })) };
  }
  return middy(publish).use(injectLambdaContext(logger));
}
