import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { history, type HistoryReport } from '../../functions/cli/commands/history.js';
import { DynamoDeliveryLog } from '../../functions/adapters/dynamo-delivery-log.js';
import type { DeliveryRecord } from '../../functions/core/model.js';
import { type LocalConfig, writeLocalConfig } from '../../functions/tooling/local-config.js';
import { exploredDecision } from '../support/explored-decision.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

let local: LocalTables;
let configPath: string;

const sent: DeliveryRecord = {
  requestId: 'r-cli-1',
  customerId: 'c-cli',
  template: 'cart-reminder',
  category: 'marketing',
  topic: 'promotions',
  strategy: 'failover',
  status: 'SENT',
  channel: 'push',
  attempts: [{ channel: 'push', at: '2026-11-24T12:00:00.000Z', outcome: 'SENT' }],
  decision: {
    ranked: [
      {
        channel: 'push',
        score: 0.8123,
        reasons: ['context +0.40: in store berlin-mitte'],
        components: { context: 0.4, preference: 0.25, engagement: 0.17, urgency: 0, cost: -0.01 },
      },
    ],
    excluded: [{ channel: 'email', reason: 'ADDRESS_SUPPRESSED', detail: 'email: bounced' }],
  },
  timeline: [{ status: 'SENT', at: '2026-11-24T12:00:00.000Z', channel: 'push' }],
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
};

beforeAll(async () => {
  local = await localTables('cli-history');
  const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
  await log.claim({ requestId: sent.requestId, customerId: sent.customerId, template: 'cart-reminder', createdAt: sent.createdAt, now: new Date(sent.createdAt), leaseMs: 60_000 });
  await log.finish(sent);
  configPath = join(mkdtempSync(join(tmpdir(), 'switchboard-')), 'local.json');
  const endpoint = inject('dynamoDbEndpoint');
  const config: LocalConfig = {
    formatVersion: 1,
    pid: process.pid,
    startedAt: '2026-11-24T11:00:00.000Z',
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: {
      dynamodb: endpoint,
      sqs: 'http://127.0.0.1:1',
      sesv2: 'http://127.0.0.1:1',
      pinpoint: 'http://127.0.0.1:1',
      sns: 'http://127.0.0.1:1',
      sandboxControl: 'http://127.0.0.1:1',
    },
    tables: local.tables,
    queues: { requests: { url: 'http://127.0.0.1:1/q', arn: 'arn:q' }, deadLetter: { url: 'http://127.0.0.1:1/dlq', arn: 'arn:dlq' } },
    pushApplicationId: 'local',
    outbox: { url: 'http://127.0.0.1:1', templatesUrl: 'http://127.0.0.1:1/templates', apiUrl: 'http://127.0.0.1:1/api' },
  };
  await writeLocalConfig(config, configPath);
});
afterAll(() => local.client.destroy());

function collector() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) } };
}

describe('switchboard history', () => {
  it('reads a running local system’s tables and prints one block per delivery with the reasons', async () => {
    const { lines, out } = collector();
    expect(await history({ customerId: 'c-cli', json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(lines).toEqual([
      '2026-11-24 12:00:00Z  cart-reminder  SENT via push  [r-cli-1]',
      '  why',
      '    #1 push (score 0.812, sent): context +0.40: in store berlin-mitte',
      '    excluded email: ADDRESS_SUPPRESSED (email: bounced)',
      '  timeline',
      '    2026-11-24 12:00:00Z  ACCEPTED',
      '    2026-11-24 12:00:00Z  SENT         push',
    ]);
  });

  it('answers --json in the history API’s shape', async () => {
    const { lines, out } = collector();
    await history({ customerId: 'c-cli', json: true }, out, { env: {}, localConfigPath: configPath });
    const report = JSON.parse(lines.join('\n')) as { customerId: string; items: { requestId: string; status: string; decision: unknown }[] };
    expect(report.customerId).toBe('c-cli');
    expect(report.items.map((i) => [i.requestId, i.status])).toEqual([['r-cli-1', 'SENT']]);
    expect(report.items[0]?.decision).toMatchObject({ excluded: [{ channel: 'email', reason: 'ADDRESS_SUPPRESSED' }] });
  });

  it('reads the table DELIVERIES_TABLE names, with the usual AWS settings, before any local system', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint') });
    try {
      const { lines, out } = collector();
      const missing = join(tmpdir(), 'missing', 'local.json');
      expect(await history({ customerId: 'c-cli', json: false }, out, { env: { DELIVERIES_TABLE: local.tables.deliveries }, localConfigPath: missing })).toBe(0);
      expect(lines[0]).toBe('2026-11-24 12:00:00Z  cart-reminder  SENT via push  [r-cli-1]');
    } finally {
      process.env = saved;
    }
  });

  it('shows the consent decisions on the customer record between the messages, by time, with their source', async () => {
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    for (const [requestId, createdAt] of [
      ['r-cli-c1', '2026-11-20T10:00:00.000Z'],
      ['r-cli-c2', '2026-11-23T10:00:00.000Z'],
    ] as const) {
      const record = { ...sent, requestId, customerId: 'c-cli-consent', createdAt, updatedAt: createdAt, attempts: [], decision: { ranked: [], excluded: [] }, timeline: [] };
      await log.claim({ requestId, customerId: 'c-cli-consent', template: 'cart-reminder', createdAt, now: new Date(createdAt), leaseMs: 60_000 });
      await log.finish(record);
    }
    await local.doc.send(
      new PutCommand({
        TableName: local.tables.customers,
        Item: {
          customerId: 'c-cli-consent',
          consent: { email: { promotions: { value: 'opt_out', updatedAt: '2026-11-21T08:30:00.000Z', source: 'one_click_unsubscribe' }, '*': 'opt_in' } },
        },
      }),
    );
    const { lines, out } = collector();
    expect(await history({ customerId: 'c-cli-consent', json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    const headlines = lines.filter((line) => /^\S/.test(line));
    expect(headlines).toEqual([
      '2026-11-23 10:00:00Z  cart-reminder  SENT via push  [r-cli-c2]',
      '2026-11-21 08:30:00Z  consent email/promotions: opt_out  (source: one_click_unsubscribe)',
      '2026-11-20 10:00:00Z  cart-reminder  SENT via push  [r-cli-c1]',
      '(undated)             consent email/*: opt_in',
    ]);
    const json = collector();
    await history({ customerId: 'c-cli-consent', json: true }, json.out, { env: {}, localConfigPath: configPath });
    expect(JSON.parse(json.lines.join('\n')).consent).toEqual([
      { channel: 'email', topic: 'promotions', value: 'opt_out', at: '2026-11-21T08:30:00.000Z', source: 'one_click_unsubscribe' },
      { channel: 'email', topic: '*', value: 'opt_in' },
    ]);
  });

  it('shows a deferral with until when and why, and an escalation step by step, never the stored request', async () => {
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    const customerId = 'c-cli-timing';
    const deferred: DeliveryRecord = {
      ...sent,
      requestId: 'r-cli-d1',
      customerId,
      status: 'DEFERRED',
      channel: undefined,
      attempts: [],
      decision: {
        ranked: [],
        excluded: [{ channel: 'push', reason: 'QUIET_HOURS', detail: 'quiet hours 21:00–08:00 in Asia/Tokyo, until 08:00 Asia/Tokyo' }],
        timing: {
          outcome: 'defer',
          reason: 'QUIET_HOURS',
          until: '2026-11-23T23:00:00.000Z',
          reasons: ['push is in quiet hours until 08:00 Asia/Tokyo', 'marketing waits for the best channel'],
        },
      },
      timeline: [{ status: 'DEFERRED', at: '2026-11-23T16:00:00.000Z', detail: 'QUIET_HOURS until 2026-11-23T23:00:00.000Z' }],
      deferredUntil: '2026-11-23T23:00:00.000Z',
      wake: { token: 'd1', kind: 'deferral', due: '2026-11-23T23:00:00.000Z' },
      wakes: 1,
      request: { requestId: 'r-cli-d1', customerId, template: 'cart-reminder', data: { cartUrl: 'https://fernhill.example/cart/r/private' } },
      createdAt: '2026-11-23T16:00:00.000Z',
      updatedAt: '2026-11-23T16:00:00.000Z',
    };
    const escalated: DeliveryRecord = {
      ...sent,
      requestId: 'r-cli-e1',
      customerId,
      strategy: 'escalate',
      channel: 'in_app',
      channels: ['in_app', 'push'],
      attempts: [
        { channel: 'in_app', at: '2026-11-22T12:00:00.000Z', outcome: 'SENT' },
        { channel: 'push', at: '2026-11-22T12:30:00.000Z', outcome: 'SENT' },
      ],
      decision: { ranked: [], excluded: [] },
      timeline: [
        { status: 'SENT', at: '2026-11-22T12:00:00.000Z', channel: 'in_app' },
        { status: 'SENT', at: '2026-11-22T12:30:00.000Z', channel: 'push', detail: 'no engagement on in_app within 30 min → push' },
      ],
      escalation: {
        afterMs: 1_800_000,
        steps: [
          { channel: 'in_app', sentAt: '2026-11-22T12:00:00.000Z', reason: 'in_app first, the best channel' },
          { channel: 'push', sentAt: '2026-11-22T12:30:00.000Z', reason: 'no engagement on in_app within 30 min → push' },
        ],
        stopped: { cause: 'engaged', reason: 'engaged on push', at: '2026-11-22T13:00:00.000Z' },
      },
      wakes: 2,
      createdAt: '2026-11-22T12:00:00.000Z',
      updatedAt: '2026-11-22T13:00:00.000Z',
    };
    for (const record of [deferred, escalated]) {
      await log.claim({ requestId: record.requestId, customerId, template: 'cart-reminder', createdAt: record.createdAt, now: new Date(record.createdAt), leaseMs: 60_000 });
      await log.finish(record);
    }

    const { lines, out } = collector();
    expect(await history({ customerId, json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(lines).toEqual([
      '2026-11-23 16:00:00Z  cart-reminder  DEFERRED until 2026-11-23 23:00:00Z  [r-cli-d1]',
      '  why',
      '    deferred (QUIET_HOURS) until 2026-11-23T23:00:00.000Z: push is in quiet hours until 08:00 Asia/Tokyo; marketing waits for the best channel',
      '    excluded push: QUIET_HOURS (quiet hours 21:00–08:00 in Asia/Tokyo, until 08:00 Asia/Tokyo)',
      '  timeline',
      '    2026-11-23 16:00:00Z  ACCEPTED',
      '    2026-11-23 16:00:00Z  DEFERRED             QUIET_HOURS until 2026-11-23T23:00:00.000Z',
      '',
      '2026-11-22 12:00:00Z  cart-reminder  SENT via in_app → push  [r-cli-e1]',
      '  why',
      '    escalation: in_app first, the best channel; the next channel after 30 min without engagement',
      '    escalated: no engagement on in_app within 30 min → push',
      '    escalation stopped: engaged on push',
      '  timeline',
      '    2026-11-22 12:00:00Z  ACCEPTED',
      '    2026-11-22 12:00:00Z  SENT         in_app',
      '    2026-11-22 12:30:00Z  SENT         push    no engagement on in_app within 30 min → push',
    ]);

    const json = collector();
    await history({ customerId, json: true }, json.out, { env: {}, localConfigPath: configPath });
    const text = json.lines.join('\n');
    const [first, second] = (JSON.parse(text) as HistoryReport).items;
    expect(first).toMatchObject({ status: 'DEFERRED', deferredUntil: '2026-11-23T23:00:00.000Z', decision: { timing: deferred.decision?.timing } });
    expect(second?.escalation).toEqual(escalated.escalation);
    expect(text).not.toMatch(/"(wake|wakes|request)"|private/);
  });

  it('shows the reasons that weighed most, largest first whatever their sign, and how many more there are', async () => {
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    const customerId = 'c-cli-reasons';
    // As scoring writes them: one reason per non-zero component, in the components' order.
    const reasons = [
      'context +0.05: customer is on the web',
      "preference +0.125: customer's 2nd choice",
      'engagement +0.08: no history, prior 20%',
      'urgency +0.30: expires in 12 min',
      'cost -0.35: relative cost 0.70',
    ];
    const record: DeliveryRecord = {
      ...sent,
      requestId: 'r-cli-reasons',
      customerId,
      channel: 'sms',
      attempts: [{ channel: 'sms', at: sent.createdAt, outcome: 'SENT' }],
      decision: {
        ranked: [{ channel: 'sms', score: 0.205, reasons, components: { context: 0.05, preference: 0.125, engagement: 0.08, urgency: 0.3, cost: -0.35 } }],
        excluded: [],
      },
      timeline: [{ status: 'SENT', at: sent.createdAt, channel: 'sms' }],
    };
    await log.claim({ requestId: record.requestId, customerId, template: 'cart-reminder', createdAt: record.createdAt, now: new Date(record.createdAt), leaseMs: 60_000 });
    await log.finish(record);

    const { lines, out } = collector();
    expect(await history({ customerId, json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(lines[2]).toBe("    #1 sms (score 0.205, sent): cost -0.35: relative cost 0.70; urgency +0.30: expires in 12 min; preference +0.125: customer's 2nd choice; +2 more");
  });

  it('shows where the customer was, and always the line saying exploration chose the channel', async () => {
    const log = new DynamoDeliveryLog(local.doc, { tableName: local.tables.deliveries });
    const { requestId, customer, decision, chosen } = exploredDecision();
    const note = chosen.reasons.find((reason) => reason.startsWith('explored: ')) ?? 'no note';
    const record: DeliveryRecord = {
      ...sent,
      requestId,
      customerId: customer.customerId,
      channel: chosen.channel,
      attempts: [{ channel: chosen.channel, at: sent.createdAt, outcome: 'SENT' }],
      // Set here: where the moment is known, these channels score too far apart for a draw to swap them.
      decision: { ...decision, moment: 'web' },
      timeline: [{ status: 'SENT', at: sent.createdAt, channel: chosen.channel }],
    };
    await log.claim({ requestId, customerId: customer.customerId, template: 'cart-reminder', createdAt: record.createdAt, now: new Date(record.createdAt), leaseMs: 60_000 });
    await log.finish(record);

    const { lines, out } = collector();
    expect(await history({ customerId: customer.customerId, json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(lines.slice(1, 4)).toEqual(['  why', '    moment: web', expect.stringMatching(new RegExp(`^    #1 ${chosen.channel} \\(score [\\d.]+, sent\\): .*exploration [+-]`))]);
    expect(lines[3]).toContain(`; ${note}; +`);

    const json = collector();
    await history({ customerId: customer.customerId, json: true }, json.out, { env: {}, localConfigPath: configPath });
    const [item] = (JSON.parse(json.lines.join('\n')) as HistoryReport).items;
    expect(item?.decision.moment).toBe('web');
    expect(item?.decision.ranked[0]).toEqual({ channel: chosen.channel, score: chosen.score, reasons: chosen.reasons });
  });

  it('wraps long lines to the terminal, under their own indent, and only there', async () => {
    const narrow = { lines: [] as string[], errors: [] as string[] };
    const terminalOut = { log: (s: string) => narrow.lines.push(s), error: (s: string) => narrow.errors.push(s), width: 60 };
    expect(await history({ customerId: 'c-cli-reasons', json: false }, terminalOut, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(narrow.lines).toEqual([
      '2026-11-24 12:00:00Z  cart-reminder  SENT via sms',
      '  [r-cli-reasons]',
      '  why',
      '    #1 sms (score 0.205, sent): cost -0.35: relative cost',
      '      0.70; urgency +0.30: expires in 12 min; preference',
      "      +0.125: customer's 2nd choice; +2 more",
      '  timeline',
      '    2026-11-24 12:00:00Z  ACCEPTED',
      '    2026-11-24 12:00:00Z  SENT         sms',
    ]);
    expect(narrow.lines.every((line) => line.length <= 60)).toBe(true);

    const piped = collector();
    await history({ customerId: 'c-cli-reasons', json: false }, piped.out, { env: {}, localConfigPath: configPath });
    expect(piped.lines[2]?.length).toBeGreaterThan(60);
  });

  it('says so when a customer has no deliveries', async () => {
    const { lines, out } = collector();
    expect(await history({ customerId: 'c-nobody', json: false }, out, { env: {}, localConfigPath: configPath })).toBe(0);
    expect(lines).toEqual(['no deliveries recorded for c-nobody']);
  });

  it('explains where it looked when there is neither a table nor a local system', async () => {
    const { errors, out } = collector();
    expect(await history({ customerId: 'c-cli', json: false }, out, { env: {}, localConfigPath: join(tmpdir(), 'missing', 'local.json') })).toBe(1);
    expect(errors.join('\n')).toMatch(/npm start[\s\S]*DELIVERIES_TABLE/);
  });

  it('refuses a limit outside 1..100', async () => {
    const { errors, out } = collector();
    expect(await history({ customerId: 'c-cli', json: false, limit: 500 }, out, { env: {}, localConfigPath: configPath })).toBe(1);
    expect(errors).toEqual(['--limit must be a whole number from 1 to 100']);
  });
});
