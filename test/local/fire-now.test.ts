import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../functions/core/model.js';
import type { WakeMessage } from '../../functions/core/timing/wake.js';
import { fireNow } from '../../functions/local/outbox/fire-now.js';
import { LocalWakeScheduler } from '../../functions/local/wake-scheduler.js';
import { listen, type RunningServer, sendJson } from '../../functions/tooling/loopback-http.js';

const NOW = new Date('2026-11-24T17:00:00Z');
const HOUR = 3_600_000;

const record = (requestId: string, status: DeliveryRecord['status']): DeliveryRecord => ({
  requestId,
  customerId: 'c-1',
  status,
  attempts: [],
  timeline: [],
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});

const queued: WakeMessage[] = [];
let refuse = false;
const wakes = new LocalWakeScheduler({
  clock: { now: () => NOW },
  send: async (message) => {
    if (refuse) throw Object.assign(new Error('the queue is gone'), { name: 'QueueDoesNotExist' });
    queued.push(message);
  },
});
const records = new Map([record('r-deferred', 'DEFERRED'), record('r-sent', 'SENT')].map((r) => [r.requestId, r]));
const system = { wakes, deliveries: { get: async (id: string) => records.get(id), all: async () => [...records.values()] } };

let server: RunningServer;
beforeAll(async () => {
  server = await listen(async (req, res) => {
    const match = /^\/api\/wakes\/([^/]+)\/fire$/.exec(req.url ?? '');
    if (req.method === 'POST' && match) return fireNow(system, req, res, match[1] as string);
    sendJson(res, 404, { message: 'no route' });
  });
});
afterAll(async () => {
  await wakes.stop();
  await server.close();
});

/** A POST as the page's script sends it; `headers` overrides what a browser would set. */
function post(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const host = `127.0.0.1:${server.port}`;
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers: { host, origin: `http://${host}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('POST /api/wakes/{requestId}/fire', () => {
  it('sends the pending wake at once and says how early it went', async () => {
    await wakes.schedule({ requestId: 'r-deferred', token: 'd1', kind: 'deferral', due: new Date(NOW.getTime() + 6 * HOUR) });

    const answer = await post('/api/wakes/r-deferred/fire');

    expect(answer).toEqual({ status: 202, body: { requestId: 'r-deferred', fired: [{ kind: 'deferral', token: 'd1', due: '2026-11-24T23:00:00.000Z', earlyByMs: 6 * HOUR }] } });
    expect(queued).toEqual([{ wake: { requestId: 'r-deferred', token: 'd1', kind: 'deferral' } }]);
  });

  it('answers 409 for a known request with nothing pending, and 404 for an unknown one', async () => {
    expect(await post('/api/wakes/r-deferred/fire')).toMatchObject({ status: 409, body: { message: 'request r-deferred has nothing waiting to fire (it is DEFERRED)' } });
    expect(await post('/api/wakes/r-sent/fire')).toMatchObject({ status: 409, body: { status: 'SENT' } });
    expect(await post('/api/wakes/r-nobody/fire')).toMatchObject({ status: 404, body: { message: 'no request r-nobody' } });
    expect(await post('/api/wakes/%E0%A4%A/fire')).toMatchObject({ status: 400 });
  });

  it('refuses a call from another site or through a name other than loopback', async () => {
    await wakes.schedule({ requestId: 'r-sent', token: 'e2', kind: 'escalation', due: new Date(NOW.getTime() + HOUR) });
    expect(await post('/api/wakes/r-sent/fire', { origin: 'https://elsewhere.example' })).toMatchObject({ status: 403 });
    expect(await post('/api/wakes/r-sent/fire', { host: 'rebound.example:80', origin: 'http://rebound.example:80' })).toMatchObject({ status: 403 });
    expect(wakes.pending('r-sent')).toHaveLength(1);
  });

  it('answers 503, not 500, when the local queue refuses the wake, which stays pending', async () => {
    await wakes.schedule({ requestId: 'r-sent', token: 'e2', kind: 'escalation', due: new Date(NOW.getTime() + HOUR) });
    refuse = true;
    const answer = await post('/api/wakes/r-sent/fire');
    refuse = false;
    expect(answer).toMatchObject({ status: 503, body: { message: 'the local system could not fire the wake of r-sent (QueueDoesNotExist)' } });
    expect(wakes.pending('r-sent')).toHaveLength(1);
  });
});
