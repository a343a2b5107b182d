import type { AdmissionInput } from './admission.js';
import { codeOf, isRetryable } from './errors.js';
import type { Problem } from './model.js';
import { boundProblems } from './problem-bounds.js';
import { MAX_PROBLEMS, parseSendRequest, sendRequestSchema } from './request.js';

/** At most this many requests in one `POST /requests`, as in one SQS SendMessageBatch. */
export const MAX_BATCH_REQUESTS = 10;
/**
 * What one SendMessageBatch may carry in all, as every queue accepts it (newer queues accept
 * more). A valid request is a little over 32 KiB at most, so a batch holds at least six.
 */
export const MAX_QUEUE_BATCH_BYTES = 256 * 1024;
/** Batches in flight at once when many requests are sent together (the typed client). */
export const DEFAULT_CONCURRENCY = 4;

/** What became of one request: queued with its SQS message id, refused with its problems, or not taken by the queue. */
export type RequestResult = QueuedResult | InvalidResult | FailedResult;
export interface QueuedResult {
  /** Its position in what was sent, from 0. */
  index: number;
  requestId: string;
  status: 'queued';
  messageId: string;
}
export interface InvalidResult {
  index: number;
  /** Present when the request carries a valid one. */
  requestId?: string;
  status: 'invalid';
  /** Every problem with its path inside this request, bounded as on a REJECTED record. */
  problems: Problem[];
}
export interface FailedResult {
  index: number;
  requestId: string;
  status: 'failed';
  /** The queue's error code (`ServiceUnavailable`, `AccessDenied`, …). */
  code: string;
  /** Sending the same request again may succeed; it is idempotent by its `requestId`. */
  retryable: boolean;
}

/** One message for the requests queue; `id` is unique within its batch. */
export interface QueueEntry {
  id: string;
  body: string;
}
export type QueueEntryResult = { id: string; ok: true; messageId: string } | { id: string; ok: false; code: string; retryable: boolean };

/** The requests queue, written a batch at a time; the SQS adapter implements it. A failed call rejects with a `SwitchboardError`. */
export interface RequestQueue {
  sendBatch(entries: readonly QueueEntry[]): Promise<QueueEntryResult[]>;
}

/** Checks beyond the schema, such as the orchestrator's admission rules; problems when the request would be rejected. */
export type Admission = (request: AdmissionInput) => Problem[];

export type CheckedRequest = { index: number; requestId: string; ok: true; body: string } | (Omit<InvalidResult, 'status'> & { ok: false });

/**
 * Each request checked on its own with the orchestrator's parser, then by `admit`: one that
 * fails is refused with every problem, the others are unaffected. A `requestId` already used by
 * an earlier request of the same batch is refused too: the orchestrator would send only one.
 * The body queued is the request as given; the orchestrator applies the defaults itself.
 */
export function checkRequests(values: readonly unknown[], admit?: Admission): CheckedRequest[] {
  const seen = new Map<string, number>();
  return values.map((value, index) => {
    const checked = checkOne(value, index, admit);
    if (!checked.ok) return checked;
    const first = seen.get(checked.requestId);
    if (first !== undefined) {
      return { index, requestId: checked.requestId, ok: false, problems: [{ path: 'requestId', message: `repeats the requestId of request ${first} in this batch` }] };
    }
    seen.set(checked.requestId, index);
    return checked;
  });
}

function checkOne(value: unknown, index: number, admit: Admission | undefined): CheckedRequest {
  // The parser reads a string as JSON text; inside a batch a string is a value, and not a request.
  if (typeof value === 'string') return { index, ok: false, problems: [{ path: '', message: 'must be a send request (a JSON object), not a string' }] };
  const parsed = parseSendRequest(value);
  if (!parsed.ok) {
    const problems = admit && parsed.problems.length <= MAX_PROBLEMS ? [...parsed.problems, ...admissionOfInvalid(value, parsed.problems, admit)] : parsed.problems;
    return { index, ...(parsed.requestId ? { requestId: parsed.requestId } : {}), ok: false, problems: boundProblems(problems) };
  }
  const { requestId } = parsed.request;
  const problems = admit?.(parsed.request) ?? [];
  if (problems.length > 0) return { index, requestId, ok: false, problems: boundProblems(problems) };
  const body = serialize(value);
  if (body === undefined) return { index, requestId, ok: false, problems: [{ path: '', message: 'could not be written as JSON' }] };
  return { index, requestId, ok: true, body };
}

/**
 * A request the schema refused is still checked against the admission rules when the fields they
 * read are valid on their own, so that every problem comes back at once; a field already
 * reported is not reported twice.
 */
function admissionOfInvalid(value: unknown, reported: readonly Problem[], admit: Admission): Problem[] {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    const fields = value as Record<string, unknown>;
    const { shape } = sendRequestSchema;
    const template = shape.template.safeParse(fields.template);
    const category = shape.category.safeParse(fields.category);
    const topic = shape.topic.safeParse(fields.topic);
    const channels = shape.channels.safeParse(fields.channels);
    if (!template.success || !category.success || !topic.success || !channels.success) return [];
    const paths = new Set(reported.map((problem) => problem.path));
    return admit({ template: template.data, category: category.data, topic: topic.data, channels: channels.data }).filter((problem) => !paths.has(problem.path));
  } catch {
    // Only a value built in code gets here (a getter that throws): the schema's problems stand alone.
    return [];
  }
}

function serialize(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // Only a value built in code gets here (a BigInt, a cycle): parsed JSON always serializes.
    return undefined;
  }
}

export interface EnqueueOptions {
  admit?: Admission;
  /** Batches in flight at once; DEFAULT_CONCURRENCY when absent. */
  concurrency?: number;
}

/**
 * Checks every request, then puts the valid ones on the queue in batches of at most
 * MAX_BATCH_REQUESTS messages and MAX_QUEUE_BATCH_BYTES. One result per request, in the order
 * given; a batch the queue refuses as a whole fails each of its requests with the same code.
 */
export async function enqueueRequests(values: readonly unknown[], queue: RequestQueue, options: EnqueueOptions = {}): Promise<RequestResult[]> {
  const checked = checkRequests(values, options.admit);
  const results = new Map<number, RequestResult>();
  const valid: Extract<CheckedRequest, { ok: true }>[] = [];
  for (const request of checked) {
    if (request.ok) valid.push(request);
    else results.set(request.index, { index: request.index, ...(request.requestId ? { requestId: request.requestId } : {}), status: 'invalid', problems: request.problems });
  }
  await inParallel(queueBatches(valid), options.concurrency ?? DEFAULT_CONCURRENCY, async (batch) => {
    const answers = await sendSafely(
      queue,
      batch.map(({ index, body }) => ({ id: String(index), body })),
    );
    for (const { index, requestId } of batch) {
      const answer = answers.get(String(index)) ?? { ok: false, code: 'NO_ANSWER', retryable: true };
      results.set(
        index,
        answer.ok ? { index, requestId, status: 'queued', messageId: answer.messageId } : { index, requestId, status: 'failed', code: answer.code, retryable: answer.retryable },
      );
    }
  });
  return checked.map(({ index }) => results.get(index) as RequestResult);
}

/** Consecutive groups within SendMessageBatch's limits; an entry over the byte limit goes alone, for the queue to refuse. */
export function queueBatches<T extends { body: string }>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.body, 'utf8');
    if (current.length > 0 && (current.length === MAX_BATCH_REQUESTS || bytes + size > MAX_QUEUE_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function sendSafely(queue: RequestQueue, entries: QueueEntry[]): Promise<Map<string, QueueEntryResult>> {
  try {
    const answers = await queue.sendBatch(entries);
    return new Map(answers.map((answer) => [answer.id, answer]));
  } catch (error) {
    const failed = { ok: false as const, code: codeOf(error), retryable: isRetryable(error) };
    return new Map(entries.map(({ id }) => [id, { id, ...failed }]));
  }
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** How many requests ended each way. */
export function tally(results: readonly RequestResult[]): { queued: number; invalid: number; failed: number } {
  const count = (status: RequestResult['status']) => results.filter((result) => result.status === status).length;
  return { queued: count('queued'), invalid: count('invalid'), failed: count('failed') };
}
