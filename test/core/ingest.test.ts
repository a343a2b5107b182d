import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/core/errors.js';
import { MAX_INGEST_BODY_BYTES, readIngestBody } from '../../functions/core/ingest-body.js';
import {
  checkRequests,
  enqueueRequests,
  MAX_BATCH_REQUESTS,
  MAX_QUEUE_BATCH_BYTES,
  type QueueEntry,
  type QueueEntryResult,
  queueBatches,
  type RequestQueue,
  tally,
} from '../../functions/core/ingest.js';
import { MAX_PROBLEMS } from '../../functions/core/request.js';

const request = (n: number, over: Record<string, unknown> = {}) => ({ requestId: `r-${n}`, customerId: 'c-1', template: 'cart-reminder', ...over });

/** Takes every entry unless told otherwise; records each batch it was sent. */
class ScriptedQueue implements RequestQueue {
  readonly batches: QueueEntry[][] = [];
  constructor(
    private readonly answer: (entry: QueueEntry, batch: number) => QueueEntryResult | 'throw' | 'omit' = (entry) => ({ id: entry.id, ok: true, messageId: `m-${entry.id}` }),
  ) {}

  async sendBatch(entries: readonly QueueEntry[]): Promise<QueueEntryResult[]> {
    const batch = this.batches.push([...entries]) - 1;
    const answers = entries.map((entry) => this.answer(entry, batch));
    if (answers.includes('throw')) throw new RetryableError('SQS SendMessageBatch failed: ServiceUnavailable', 'ServiceUnavailable');
    return answers.filter((answer): answer is QueueEntryResult => answer !== 'omit' && answer !== 'throw');
  }
}

describe('readIngestBody', () => {
  it('takes one request as an object and 1 to 10 as an array', () => {
    expect(readIngestBody(JSON.stringify(request(1)))).toEqual({ ok: true, requests: [request(1)], batch: false });
    const ten = Array.from({ length: MAX_BATCH_REQUESTS }, (_, i) => request(i));
    expect(readIngestBody(JSON.stringify(ten))).toEqual({ ok: true, requests: ten, batch: true });
  });

  it.each([
    ['an empty body', '', 'EMPTY_BODY'],
    ['whitespace', ' \n', 'EMPTY_BODY'],
    ['broken JSON', '{"requestId":', 'INVALID_JSON'],
    ['a number', '42', 'NOT_A_REQUEST'],
    ['a string', '"r-1"', 'NOT_A_REQUEST'],
    ['null', 'null', 'NOT_A_REQUEST'],
    ['an empty array', '[]', 'EMPTY_BATCH'],
    ['eleven requests', JSON.stringify(Array.from({ length: 11 }, (_, i) => request(i))), 'TOO_MANY_REQUESTS'],
    ['a body over the limit', `[${' '.repeat(MAX_INGEST_BODY_BYTES)}]`, 'BODY_TOO_LARGE'],
  ])('refuses %s whole, saying why', (_name, text, code) => {
    const body = readIngestBody(text);
    expect(body).toMatchObject({ ok: false, refusal: { code } });
    if (body.ok) return;
    expect(body.refusal.problems).toEqual([{ path: '', message: body.refusal.message }]);
  });

  it('counts bytes, not characters', () => {
    const text = JSON.stringify({ ...request(1), data: { note: 'é'.repeat(MAX_INGEST_BODY_BYTES / 2) } });
    expect(text.length).toBeLessThan(MAX_INGEST_BODY_BYTES);
    expect(readIngestBody(text)).toMatchObject({ ok: false, refusal: { code: 'BODY_TOO_LARGE' } });
  });
});

describe('checkRequests', () => {
  it('checks each request on its own and keeps the body as given', () => {
    const checked = checkRequests([request(0), { ...request(1), channels: ['sms', 'sms'], extra: 1 }, { customerId: 'c-1' }]);
    expect(checked[0]).toEqual({ index: 0, requestId: 'r-0', ok: true, body: JSON.stringify(request(0)) });
    expect(checked[1]).toEqual({
      index: 1,
      requestId: 'r-1',
      ok: false,
      problems: [
        { path: 'channels', message: 'must not repeat a channel' },
        { path: '', message: 'unknown field(s): extra' },
      ],
    });
    expect(checked[2]).toMatchObject({ index: 2, ok: false });
    expect(checked[2]).not.toHaveProperty('requestId');
    expect((checked[2] as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(['requestId', 'template']);
  });

  it('refuses a request id an earlier request of the batch already uses, and a string in place of a request', () => {
    const checked = checkRequests([request(1), request(1, { customerId: 'c-2' }), JSON.stringify(request(2))]);
    expect(checked.map((c) => c.ok)).toEqual([true, false, false]);
    expect(checked[1]).toMatchObject({ requestId: 'r-1', problems: [{ path: 'requestId', message: 'repeats the requestId of request 0 in this batch' }] });
    expect(checked[2]).toMatchObject({ problems: [{ path: '', message: 'must be a send request (a JSON object), not a string' }] });
  });

  it('applies the admission check, bounding what it reports', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}`, message: 'no' }));
    const seen: string[] = [];
    const checked = checkRequests([request(1), { requestId: 'r-2' }], (parsed) => {
      seen.push(parsed.template);
      return many;
    });
    expect(seen).toEqual(['cart-reminder']);
    expect(checked[0]).toMatchObject({ ok: false, requestId: 'r-1' });
    expect((checked[0] as { problems: unknown[] }).problems).toHaveLength(MAX_PROBLEMS + 1);
  });

  it('lists admission problems with the schema’s when the fields admission reads are valid, each path once', () => {
    const admit = () => [
      { path: 'topic', message: 'not declared' },
      { path: '', message: 'said twice' },
    ];
    expect(checkRequests([{ ...request(1), extra: 1 }], admit)[0]).toMatchObject({
      problems: [
        { path: '', message: 'unknown field(s): extra' },
        { path: 'topic', message: 'not declared' },
      ],
    });
    // A field admission reads is itself invalid: the rules cannot be applied to it.
    expect(checkRequests([{ ...request(1), channels: ['sms', 'sms'] }], admit)[0]).toMatchObject({ problems: [{ path: 'channels' }] });
    const getter = Object.defineProperty({ ...request(1), extra: 1 }, 'topic', {
      enumerable: false,
      get() {
        throw new Error('no');
      },
    });
    expect(checkRequests([getter], admit)[0]).toMatchObject({ ok: false });
  });

  it('refuses a value JSON cannot carry, as code may build one', () => {
    const big = { ...request(1), data: { count: 10n } };
    expect(checkRequests([big])[0]).toMatchObject({ ok: false, requestId: 'r-1', problems: [{ path: 'data' }] });
  });
});

describe('queueBatches', () => {
  it('cuts at ten entries and before the batch byte limit, keeping the order', () => {
    const small = Array.from({ length: 23 }, (_, i) => ({ i, body: 'x' }));
    expect(queueBatches(small).map((batch) => batch.map((entry) => entry.i))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22],
    ]);
    const third = 'y'.repeat(Math.floor(MAX_QUEUE_BATCH_BYTES / 3));
    expect(queueBatches([third, third, third, third, 'z'].map((body) => ({ body }))).map((batch) => batch.length)).toEqual([3, 2]);
    expect(queueBatches([{ body: 'w'.repeat(MAX_QUEUE_BATCH_BYTES + 1) }, { body: 'v' }]).map((batch) => batch.length)).toEqual([1, 1]);
  });
});

describe('enqueueRequests', () => {
  it('queues the valid requests in batches of ten and answers one result per request, in order', async () => {
    const queue = new ScriptedQueue();
    const values = Array.from({ length: 12 }, (_, i) => (i === 4 ? { requestId: 'r-4' } : request(i)));
    const results = await enqueueRequests(values, queue);
    expect(queue.batches.map((batch) => batch.length)).toEqual([10, 1]);
    expect(results.map((r) => r.index)).toEqual(values.map((_, i) => i));
    expect(results[0]).toEqual({ index: 0, requestId: 'r-0', status: 'queued', messageId: 'm-0' });
    expect(results[4]).toMatchObject({ index: 4, requestId: 'r-4', status: 'invalid' });
    expect(tally(results)).toEqual({ queued: 11, invalid: 1, failed: 0 });
  });

  it('reports what the queue refused per entry, whether it is worth retrying, and what it never answered', async () => {
    const queue = new ScriptedQueue((entry) => {
      if (entry.id === '1') return { id: entry.id, ok: false, code: 'InternalError', retryable: true };
      if (entry.id === '2') return { id: entry.id, ok: false, code: 'InvalidParameterValue', retryable: false };
      if (entry.id === '3') return 'omit';
      return { id: entry.id, ok: true, messageId: `m-${entry.id}` };
    });
    const results = await enqueueRequests([request(0), request(1), request(2), request(3)], queue);
    expect(results.slice(1)).toEqual([
      { index: 1, requestId: 'r-1', status: 'failed', code: 'InternalError', retryable: true },
      { index: 2, requestId: 'r-2', status: 'failed', code: 'InvalidParameterValue', retryable: false },
      { index: 3, requestId: 'r-3', status: 'failed', code: 'NO_ANSWER', retryable: true },
    ]);
  });

  it('fails every request of a batch the queue refused whole, and only that batch', async () => {
    const queue = new ScriptedQueue((entry, batch) => (batch === 1 ? 'throw' : { id: entry.id, ok: true, messageId: `m-${entry.id}` }));
    const results = await enqueueRequests(
      Array.from({ length: 15 }, (_, i) => request(i)),
      queue,
      { concurrency: 1 },
    );
    expect(tally(results)).toEqual({ queued: 10, invalid: 0, failed: 5 });
    expect(results[14]).toEqual({ index: 14, requestId: 'r-14', status: 'failed', code: 'ServiceUnavailable', retryable: true });
  });

  it('calls a refusal that is not ours to retry by its code, and sends nothing when nothing is valid', async () => {
    const refusing: RequestQueue = {
      sendBatch: async () => {
        throw new PermanentError('SQS SendMessageBatch failed: AccessDenied', 'AccessDenied');
      },
    };
    expect(await enqueueRequests([request(1)], refusing)).toEqual([{ index: 0, requestId: 'r-1', status: 'failed', code: 'AccessDenied', retryable: false }]);
    const queue = new ScriptedQueue();
    await enqueueRequests([{}, 'x'], queue);
    expect(queue.batches).toEqual([]);
  });
});
