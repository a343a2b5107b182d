/**
 * The typed client for upstream systems (`switchboard/client`): checks each send request with
 * the schema the orchestrator parses with, puts the valid ones on the requests queue in batches
 * of 10, and says per request what became of it. `status` asks the service API what became of
 * one afterwards.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsRequestBatch } from '../adapters/sqs-request-batch.js';
import type { HistoryEntry } from '../core/history.js';
import { enqueueRequests, type RequestResult, tally } from '../core/ingest.js';
import type { SendRequestInput } from '../core/request.js';
import { RequestStatusReader } from './status.js';

export type { FailedResult, InvalidResult, QueuedResult, RequestResult } from '../core/ingest.js';
export type { HistoryEntry } from '../core/history.js';
export type { Problem } from '../core/model.js';
export type { SendRequestInput } from '../core/request.js';
export { MAX_BATCH_REQUESTS } from '../core/ingest.js';

export interface SwitchboardClientOptions {
  /** Yours: its region, credentials and endpoint are used as they are. */
  sqs: SQSClient;
  /** The requests queue (stack output `RequestsQueueUrl`; `queues.requests.url` in `.switchboard/local.json`). */
  queueUrl: string;
  /** The service API (stack output `ServiceApiUrl`), for `status`; signed with the SQS client's credentials and region. */
  apiUrl?: string;
  /** SendMessageBatch calls in flight at once; 4 by default. */
  concurrency?: number;
}

/** One result per request, in the order given, and how many ended each way. */
export interface SendSummary {
  results: RequestResult[];
  queued: number;
  invalid: number;
  failed: number;
}

export class SwitchboardClient {
  private readonly queue: SqsRequestBatch;
  private readonly statusReader: RequestStatusReader | undefined;

  constructor(private readonly options: SwitchboardClientOptions) {
    this.queue = new SqsRequestBatch(options.sqs, options.queueUrl);
    this.statusReader = options.apiUrl ? new RequestStatusReader(options.sqs, options.apiUrl) : undefined;
  }

  /**
   * Sends one request or many. An invalid request is never queued and comes back `invalid` with
   * every problem and its path; the others are unaffected. One the queue did not take comes back
   * `failed` with the queue's code and whether sending it again may help (it is idempotent by its
   * `requestId`). Template and topic are checked later, by the orchestrator (or at `POST /requests`).
   */
  async send(requests: SendRequestInput | readonly SendRequestInput[]): Promise<SendSummary> {
    const list: readonly unknown[] = isList(requests) ? requests : [requests];
    const results = await enqueueRequests(list, this.queue, this.options.concurrency === undefined ? {} : { concurrency: this.options.concurrency });
    return { results, ...tally(results) };
  }

  /**
   * The delivery record of a request, as the history shows it; undefined while it has none (still
   * queued, or never received). Needs `apiUrl`.
   */
  async status(requestId: string): Promise<HistoryEntry | undefined> {
    if (!this.statusReader) throw new Error('status needs apiUrl: the service API URL (stack output ServiceApiUrl)');
    return this.statusReader.read(requestId);
  }
}

function isList(value: SendRequestInput | readonly SendRequestInput[]): value is readonly SendRequestInput[] {
  return Array.isArray(value);
}
