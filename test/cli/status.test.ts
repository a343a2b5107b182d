import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import { status } from '../../functions/cli/commands/status.js';
import { main } from '../../functions/cli/main.js';
import { historyEntry } from '../../functions/core/history.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { tablesOnlyLocalConfig } from '../support/tables-only-local-config.js';

let local: LocalTables;
let configPath: string;

const failed: DeliveryRecord = {
  requestId: 'r-status-1',
  customerId: 'c-status',
  template: 'order-shipped',
  category: 'transactional',
  topic: 'order-updates',
  strategy: 'failover',
  status: 'FAILED',
  attempts: [
    {
      channel: 'push',
      at: '2026-11-24T12:00:00.000Z',
      outcome: 'FAILED_PERMANENT',
      providerMessageId: 'pinpoint-1',
      error: { code: 'PUSH_NO_LIVE_TOKEN', message: 'no live token' },
    },
  ],
  decision: {
    ranked: [{ channel: 'push', score: 0.5, reasons: ['context +0.40: customer is in the app'], components: { context: 0.4 } }],
    excluded: [{ channel: 'sms', reason: 'QUIET_HOURS', detail: 'quiet hours 21:00–08:00 in Europe/Berlin, until 08:00 Europe/Berlin' }],
  },
  timeline: [{ status: 'FAILED', at: '2026-11-24T12:00:00.000Z', channel: 'push', detail: 'PUSH_NO_LIVE_TOKEN' }],
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
};

beforeAll(async () => {
  local = await localTables('cli-status');
  const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  await log.claim({
    requestId: failed.requestId,
    customerId: failed.customerId,
    template: 'order-shipped',
    createdAt: failed.createdAt,
    now: new Date(failed.createdAt),
    leaseMs: 60_000,
  });
  await log.finish(failed);
  // Claimed and not yet finished: in flight.
  await log.claim({
    requestId: 'r-status-2',
    customerId: 'c-status',
    template: 'cart-reminder',
    createdAt: '2026-11-24T12:05:00.000Z',
    now: new Date('2026-11-24T12:05:00.000Z'),
    leaseMs: 60_000,
  });
  configPath = await tablesOnlyLocalConfig(local.tables, '2026-11-24T11:00:00.000Z');
});
afterAll(() => local.client.destroy());

function collector() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) } };
}

const deps = () => ({ env: {}, localConfigPath: configPath });

describe('switchboard status', () => {
  it('prints one delivery record as history does: status, why and timeline', async () => {
    const { lines, out } = collector();
    expect(await status({ requestId: 'r-status-1', json: false }, out, deps())).toBe(0);
    expect(lines).toEqual([
      '2026-11-24 12:00:00Z  order-shipped  FAILED  [r-status-1]',
      '  why',
      '    #1 push (score 0.500): context +0.40: customer is in the app',
      '    excluded sms: QUIET_HOURS (quiet hours 21:00–08:00 in Europe/Berlin, until 08:00 Europe/Berlin)',
      '    push attempt failed: PUSH_NO_LIVE_TOKEN',
      '  timeline',
      '    2026-11-24 12:00:00Z  ACCEPTED',
      '    2026-11-24 12:00:00Z  FAILED       push    PUSH_NO_LIVE_TOKEN',
    ]);
  });

  it('answers --json in the shape GET /requests/{requestId} answers: the history entry, nothing internal', async () => {
    const { lines, out } = collector();
    expect(await status({ requestId: 'r-status-1', json: true }, out, deps())).toBe(0);
    const entry = JSON.parse(lines.join('\n')) as Record<string, unknown>;
    const stored = await new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries }).getDelivery('r-status-1');
    expect(entry).toEqual(historyEntry(stored as DeliveryRecord));
    expect(JSON.stringify(entry)).not.toMatch(/pinpoint-1|leaseUntil|customerId/);
  });

  it('shows a request still in flight as ACCEPTED', async () => {
    const { lines, out } = collector();
    expect(await status({ requestId: 'r-status-2', json: false }, out, deps())).toBe(0);
    expect(lines[0]).toBe('2026-11-24 12:05:00Z  cart-reminder  ACCEPTED  [r-status-2]');
  });

  it('exits 1 for an unknown request, an id no request can have, and nothing to read', async () => {
    const unknown = collector();
    expect(await status({ requestId: 'r-status-none', json: false }, unknown.out, deps())).toBe(1);
    expect(unknown.errors).toEqual(['no delivery record for request r-status-none']);

    const invalid = collector();
    expect(await status({ requestId: 'not an id', json: false }, invalid.out, deps())).toBe(1);
    expect(invalid.errors).toEqual(['"not an id" is not a request id: 1 to 128 of A-Z a-z 0-9 . _ : -']);

    const nowhere = collector();
    expect(await status({ requestId: 'r-status-1', json: false }, nowhere.out, { env: {}, localConfigPath: join(tmpdir(), 'missing', 'local.json') })).toBe(1);
    expect(nowhere.errors.join('\n')).toMatch(/npm start[\s\S]*DELIVERIES_TABLE/);
  });

  it('reads the table DELIVERIES_TABLE names, with the usual AWS settings, before any local system', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint') });
    try {
      const { lines, out } = collector();
      const env = { DELIVERIES_TABLE: local.tables.deliveries };
      expect(await status({ requestId: 'r-status-1', json: false }, out, { env, localConfigPath: join(tmpdir(), 'missing', 'local.json') })).toBe(0);
      expect(lines[0]).toBe('2026-11-24 12:00:00Z  order-shipped  FAILED  [r-status-1]');
    } finally {
      process.env = saved;
    }
  });

  it('is routed by the command line, which checks its arguments', async () => {
    const run = async (argv: string[]) => {
      const { errors, out } = collector();
      return { code: await main(argv, out), errors: errors.join('\n') };
    };
    expect(await run(['status'])).toMatchObject({ code: 1, errors: expect.stringContaining('missing <requestId>') });
    expect(await run(['status', 'r-1', 'r-2'])).toMatchObject({ code: 1, errors: expect.stringContaining('unexpected r-2') });
  });
});
