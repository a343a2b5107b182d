import { describe, expect, it } from 'vitest';
import type { SdkCall } from '../../bench/count-requests.js';
import { itemBytes } from '../../bench/pipeline/item-size.js';
import { ProviderLatency } from '../../bench/pipeline/provider-latency.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 24, 12, 0, 0, ms)).toISOString();
const call = (service: string, operation: string, input: Record<string, unknown>, startedAtMs: number): SdkCall => ({
  service,
  operation,
  input,
  startedAt: Date.parse(at(startedAtMs)),
  durationMs: 1,
  attempts: 1,
});

describe('ProviderLatency', () => {
  const tracker = () => new ProviderLatency(new Map([['+4915100000001', 'c-1']]), 'run-inbox');

  it('measures from createdAt to the first provider call of each request, whichever channel carries its id', () => {
    const latency = tracker();
    latency.begin([
      { requestId: 'r-email', customerId: 'c-2', createdAt: at(0) },
      { requestId: 'r-push', customerId: 'c-3', createdAt: at(0) },
      { requestId: 'r-inbox', customerId: 'c-4', createdAt: at(0) },
    ]);
    latency.observe(call('SESv2', 'SendEmail', { Content: { Simple: { Headers: [{ Name: 'X-Switchboard-Request-Id', Value: 'r-email' }] } } }, 40));
    latency.observe(call('Pinpoint', 'SendMessages', { MessageRequest: { TraceId: 'r-push' } }, 60));
    latency.observe(call('Pinpoint', 'SendMessages', { MessageRequest: { TraceId: 'r-push' } }, 900));
    latency.observe(call('DynamoDB', 'PutItem', { TableName: 'run-inbox', Item: { requestId: 'r-inbox' } }, 80));
    latency.observe(call('DynamoDB', 'PutItem', { TableName: 'run-deliveries', Item: { requestId: 'r-email' } }, 5));
    expect(latency.summary()).toMatchObject({ measured: 3, p50Ms: 60, maxMs: 80, matchedByPhone: 0 });
  });

  it('matches an SMS to its customer by number, oldest request first, and never after the batch ended', () => {
    const latency = tracker();
    latency.begin([
      { requestId: 'r-late', customerId: 'c-1', createdAt: at(20) },
      { requestId: 'r-early', customerId: 'c-1', createdAt: at(10) },
    ]);
    latency.observe(call('SNS', 'Publish', { PhoneNumber: '+4915100000001' }, 110));
    latency.end(['r-late', 'r-early']);
    latency.observe(call('SNS', 'Publish', { PhoneNumber: '+4915100000001' }, 500));
    expect(latency.summary()).toMatchObject({ measured: 1, p50Ms: 100, matchedByPhone: 1 });
  });
});

describe('itemBytes', () => {
  it('counts names and values as DynamoDB sizes them', () => {
    // "id"+"c-1" = 5; "n"+3 digits = 1+3; "ok"+bool = 3; "l"+[3 + (1+"ab")] = 1+6; "m"+{3 + "k"+"v"} = 1+5
    expect(itemBytes({ id: { S: 'c-1' }, n: { N: '123' }, ok: { BOOL: true }, l: { L: [{ S: 'ab' }] }, m: { M: { k: { S: 'v' } } } })).toBe(5 + 4 + 3 + 7 + 6);
  });

  it('measures text in UTF-8 bytes', () => {
    expect(itemBytes({ t: { S: '€' } })).toBe(1 + 3);
  });
});
