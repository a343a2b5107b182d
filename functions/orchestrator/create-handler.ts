import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RetryableError } from '../core/errors.js';
import { type OrchestratorDeps, orchestrateBatch } from '../core/orchestrate.js';

/**
 * The SQS handler over the given ports. The Lambda builds one at cold start from its composition
 * root; tools that drive the same handler code with ports of their own build theirs here.
 */
export function createOrchestratorHandler(deps: OrchestratorDeps, logger: Logger) {
  // Holds the records of the invocation in progress: one per handler, as one per Lambda instance.
  const processor = new BatchProcessor(EventType.SQS);

  /**
   * Decides for the whole batch at once (one customer lookup per 100 customers), then lets the
   * batch utility turn RETRY outcomes into `batchItemFailures`; everything else was recorded.
   */
  async function orchestrate(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const outcomes = await orchestrateBatch(
      event.Records.map((record) => ({ messageId: record.messageId, body: record.body, receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1 })),
      deps,
      // What cannot be rendered and sent before the invocation ends goes back to the queue instead.
      { remainingMs: () => context.getRemainingTimeInMillis() },
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

  return middy(orchestrate).use(injectLambdaContext(logger));
}
