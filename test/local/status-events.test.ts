import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryStatusEvent } from '../../functions/core/events/delivery-status-event.js';
import { eventsView } from '../../functions/local/outbox/events.js';
import { LocalStatusEvents } from '../../functions/local/status-events.js';
import type { LocalSystem } from '../../functions/local/system.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (requestId: string, status: 'SENT' | 'DELIVERED', at: string): DeliveryStatusEvent => ({
  detailType: status === 'SENT' ? 'Delivery Sent' : 'Delivery Delivered',
  time: at,
  detail: {
    version: '1',
    eventId: `${requestId}#${status}#${at}`,
    requestId,
    customerId: 'c-1',
    status,
    channels: ['email'],
    reasons: { excluded: [], errors: [] },
    at,
    createdAt: at,
  },
});

describe('the local event bus', () => {
  it('appends each event as EventBridge delivers it to a file it starts empty, and lists them newest first', async () => {
    const path = join(dir, 'nested', 'events.jsonl');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(path, 'left over from the last run\n');
    const fresh = new LocalStatusEvents({ region: 'us-east-1', path, keep: 2 });
    expect(await fresh.publish([event('r-1', 'SENT', '2026-11-24T10:00:00.123Z'), event('r-1', 'DELIVERED', '2026-11-24T10:00:02.500Z')])).toEqual([]);
    expect(await fresh.publish([event('r-2', 'SENT', '2026-11-24T10:00:03.000Z')])).toEqual([]);

    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line['detail-type'], line.detail.requestId])).toEqual([
      ['Delivery Sent', 'r-1'],
      ['Delivery Delivered', 'r-1'],
      ['Delivery Sent', 'r-2'],
    ]);
    expect(lines[0]).toMatchObject({ version: '0', source: 'switchboard', account: '000000000000', region: 'us-east-1', resources: [], time: '2026-11-24T10:00:00Z' });
    expect(lines[0].id).toMatch(/^[0-9a-f-]{36}$/);
    // The newest, as many as kept; the count is of every event.
    expect(fresh.list().map((e) => e.detail.eventId)).toEqual(['r-2#SENT#2026-11-24T10:00:03.000Z', 'r-1#DELIVERED#2026-11-24T10:00:02.500Z']);
    expect(fresh.count()).toBe(3);

    const view = eventsView({ events: { bus: fresh, path } } as unknown as LocalSystem);
    expect(view).toMatchObject({ total: 3, events: fresh.list() });
    expect(view.file).toMatch(/events\.jsonl$/);
  });

  it('keeps events in memory only when given no file', async () => {
    const bus = new LocalStatusEvents({ region: 'us-east-1' });
    await bus.publish([event('r-3', 'SENT', '2026-11-24T10:00:00.000Z')]);
    expect(bus.list()).toHaveLength(1);
    expect(eventsView({ events: { bus } } as unknown as LocalSystem)).not.toHaveProperty('file');
  });
});
