import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BundleTemplateStore, loadTemplateBundle } from '../../functions/adapters/bundle-template-store.js';
import type { QueueEntry, QueueEntryResult, RequestQueue } from '../../functions/core/ingest.js';
import { routeIngest } from '../../functions/ingest/routes.js';
import { TEMPLATE_BUNDLE } from '../infra/synth.js';
import { iamEvent } from '../support/http-events.js';
import { expectClientAnswer } from './fakes.js';
import { expectBoundedProblems, expectUntouchedPrototypes, fuzz, hostileJson, hostileKey, hostileString, stringifyJson } from './hostile.js';

/** Takes everything, as a healthy queue does; the answer then depends on the body alone. */
const queue: RequestQueue = {
  sendBatch: async (entries: readonly QueueEntry[]): Promise<QueueEntryResult[]> => entries.map(({ id }) => ({ id, ok: true, messageId: `m-${id}` })),
};
const deps = { queue, templates: new BundleTemplateStore(loadTemplateBundle(TEMPLATE_BUNDLE)), log: { info: () => undefined } };

const valid = { requestId: 'r-fuzz', customerId: 'c-3001', template: 'order-shipped' };
/** Valid requests with one field replaced or one key added, alone or in batches with valid ones. */
const nearlyValid = fc
  .record({ key: fc.oneof(fc.constantFrom(...Object.keys(valid), 'channels', 'topic', 'category', 'context', 'sendAt'), hostileKey), value: hostileJson })
  .map(({ key, value }) => Object.defineProperty({ ...valid }, key, { value, enumerable: true, configurable: true, writable: true }));
const body = fc.oneof(
  hostileString,
  hostileJson.map(stringifyJson),
  nearlyValid.map(stringifyJson),
  fc.array(fc.oneof(nearlyValid, hostileJson, fc.constant(valid)), { maxLength: 12 }).map(stringifyJson),
);

describe('POST /requests never throws and never answers 5xx while the queue is healthy', () => {
  test.prop([body, fc.boolean()], fuzz(300))('for any body', async (text, base64) => {
    const event = {
      ...iamEvent({ method: 'POST', path: '/requests' }),
      body: text === undefined ? null : base64 ? Buffer.from(text).toString('base64') : text,
      isBase64Encoded: base64,
    };
    const response = await routeIngest(event, deps);
    expectClientAnswer(response);
    const answer = JSON.parse(String(response.body)) as { results?: { status: string; problems?: never[] }[] };
    for (const result of answer.results ?? []) if (result.status === 'invalid') expectBoundedProblems(result.problems ?? []);
    if (response.statusCode === 202) expect(answer.results?.some((result) => result.status === 'queued')).toBe(true);
    expectUntouchedPrototypes();
  });
});
