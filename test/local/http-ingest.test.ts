import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, type RunningLocalMode, startLocalMode } from '../support/local-mode.js';

let local: RunningLocalMode | undefined;

beforeAll(async () => {
  local = await startLocalMode(['--no-demo']);
}, 90_000);
afterAll(async () => {
  await local?.stop();
});

async function post(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${local?.outboxUrl}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /requests in local mode, answered by the deployed ingest code', () => {
  it('lists every problem of a bad request with its path, and queues nothing', async () => {
    const answer = await post(JSON.stringify({ requestId: 'bad 1', customerId: 'c-3001', template: 'no-such-template', channels: ['email', 'email'], priority: 'urgent' }));
    expect(answer.status).toBe(400);
    const paths = JSON.stringify(answer.body);
    for (const path of ['requestId', 'channels', 'priority']) expect(paths).toContain(`"path":"${path}"`);
  });

  it('answers the README example as the README says', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const body = /curl -X POST http:\/\/127\.0\.0\.1:PORT\/requests [^\n]*\n\s*--data '([^']+)'/.exec(readme)?.[1];
    if (!body) throw new Error('the README lost its local POST /requests example');
    const answer = await post(body);
    expect(answer.status).toBe(400);
    const problems = JSON.stringify(answer.body);
    expect(problems).toContain('"path":"requestId"');
    expect(problems).toContain('"path":"priority"');
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const answer = await post('{"requestId": ');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });

  it('queues a valid request with 202, and the orchestrator then records it', { timeout: 60_000 }, async () => {
    const requestId = `http-ingest-${Date.now().toString(36)}`;
    const answer = await post(
      JSON.stringify({
        requestId,
        customerId: 'c-3004',
        template: 'order-shipped',
        data: {
          orderNumber: 'FH-1',
          carrier: 'DHL',
          trackingUrl: 'https://fernhill.example/t/1',
          estimatedDelivery: '2026-11-26',
          items: [{ name: 'Scarf', quantity: 1 }],
          orderUrl: 'https://fernhill.example/o/1',
        },
      }),
    );
    expect(answer.status).toBe(202);
    await vi.waitFor(
      async () => {
        const outbox = JSON.stringify(await (await fetch(`${local?.outboxUrl}/api/outbox`)).json());
        if (!outbox.includes(requestId)) throw new Error('not recorded yet');
      },
      { timeout: 45_000, interval: 250 },
    );
  });
});
