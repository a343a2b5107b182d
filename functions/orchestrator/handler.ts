import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RetryableError } from '../core/errors.js';
import { orchestrateBatch } from '../core/orchestrate.js';
import { composeOrchestrator } from './composition.js';
import { readOrchestratorConfig } from './config.js';

// Cold start: configuration validated and SDK clients built once, reused by every invocation.
// The use case flushes its metrics at the end of every batch, so no metrics middleware is needed.
const { deps, logger } = composeOrchestrator(readOrchestratorConfig(process.env));
const processor = new BatchProcessor(EventType.SQS);

/**
 * Decides for the whole batch at once (one customer lookup per 100 customers), then lets the
 * batch utility turn RETRY outcomes into `batchItemFailures`; everything else was recorded.
 */
async function orchestrate(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const outcomes = await orchestrateBatch(
    event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
    deps,
  );
  const retry = new Map(outcomes.filter((o) => o.status === 'RETRY').map((o) => [o.messageId, o.reason ?? 'RETRY']));
  if (retry.size > 0) logger.info('requests sent back to the queue', { count: retry.size, reasons: [...new Set(retry.values())] });
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const reason = retry.get(record.messageId);
      if (reason) throw new RetryableError(`request will be retried: ${reason}`, reason);
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
}

export const handler = middy(orchestrate).use(injectLambdaContext(logger));
