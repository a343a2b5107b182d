import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoPriorsStore } from '../../functions/adapters/dynamo-priors-store.js';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import type { DryRunReport } from '../../functions/cli/commands/dry-run.js';
import { priors, type PriorsDeps } from '../../functions/cli/commands/priors.js';
import { main } from '../../functions/cli/main.js';
import { defaultDecisionConfig } from '../../functions/core/config.js';
import { type LearnedPriors, learnPriors, type Observation } from '../../functions/core/learning/priors.js';
import { LEARNED_PRIORS_KEY } from '../../functions/definitions/tables.js';
import { tablesOnlyLocalConfig } from '../support/tables-only-local-config.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { runCli } from '../support/run-cli.js';

const NOW = '2026-11-23T16:00:00Z';
/** When the stored priors were learned: 90 minutes before the command runs. */
const LEARNED_AT = new Date(Date.parse(NOW) - 90 * 60_000);
const lena = 'test/fixtures/customers/lena-c-1001.json';
const offer = 'test/fixtures/requests/in-store-offer-lena.json';

/** Three systems: one whose refresher has stored priors, one where nothing was learned yet, one whose stored item is broken. */
let learnedTables: LocalTables;
let emptyTables: LocalTables;
let brokenTables: LocalTables;
const configs: Record<'learned' | 'empty' | 'broken', string> = { learned: '', empty: '', broken: '' };
let stored: LearnedPriors;

const many = (count: number, observation: Observation) => Array.from({ length: count }, () => observation);

async function localConfigFor(local: LocalTables): Promise<string> {
  return tablesOnlyLocalConfig(local.tables, '2026-11-23T15:00:00.000Z');
}

beforeAll(async () => {
  [learnedTables, emptyTables, brokenTables] = await Promise.all([localTables('cli-priors'), localTables('cli-priors-empty'), localTables('cli-priors-broken')]);
  // Customers who name push first, in a store, have been opening in-app messages and ignoring push.
  const at = LEARNED_AT;
  stored = learnPriors(
    [
      ...many(400, { channel: 'in_app', moment: 'store', preferred: 'push', engaged: true, at }),
      ...many(400, { channel: 'push', moment: 'store', preferred: 'push', engaged: false, at }),
      ...many(100, { channel: 'push', moment: 'app', engaged: true, at }),
    ],
    at,
    defaultDecisionConfig,
  );
  await new DynamoPriorsStore(learnedTables.doc, { tableName: learnedTables.tables.counters }).save(stored);
  await brokenTables.doc.send(
    new PutCommand({
      TableName: brokenTables.tables.counters,
      Item: { counterKey: LEARNED_PRIORS_KEY, priors: { learnedAt: 'yesterday', channels: { fax: {}, push: { rate: 2, weight: 10, moments: {} } } } },
    }),
  );
  [configs.learned, configs.empty, configs.broken] = await Promise.all([localConfigFor(learnedTables), localConfigFor(emptyTables), localConfigFor(brokenTables)]);
});
afterAll(() => {
  for (const local of [learnedTables, emptyTables, brokenTables]) local.client.destroy();
});

function collector() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) } };
}

const deps = (system: keyof typeof configs): PriorsDeps => ({ env: {}, localConfigPath: configs[system], clock: fixedClock(new Date(LEARNED_AT.getTime() + 90 * 60_000)) });

describe('switchboard priors', () => {
  it('shows the learned figures the refresher stored: when, from how many messages, per channel, moment and first preference', async () => {
    const { lines, errors, out } = collector();
    expect(await priors({ json: false }, out, deps('learned'))).toBe(0);
    expect(errors).toEqual([]);
    const text = lines.join('\n');
    const push = stored.channels.push;
    const inApp = stored.channels.in_app;
    expect(push && inApp).toBeTruthy();
    expect(lines[0]).toBe('learned priors in the local system');
    expect(text).toContain(`learned ${LEARNED_AT.toISOString()} (1 h 30 min ago) from 900 messages`);
    // The learned rates, as the decision's reasons show them: in-app well above its configured 15%, push below.
    expect(text).toMatch(new RegExp(`\\n  push +${Math.round((push?.rate ?? 0) * 100)}% +${Math.round((push?.weight ?? 0) * 10) / 10}\\b`));
    expect(text).toMatch(new RegExp(`\\n  in_app +${Math.round((inApp?.rate ?? 0) * 100)}% +${inApp?.weight}\\b`));
    expect(Math.round((inApp?.rate ?? 0) * 100)).toBeGreaterThan(50);
    expect(text).toContain('not learned, so configured: sms 15%, email 20%');
    expect(text).toMatch(/by channel × moment\n.*\n.*\n {2}push +app +\d+% +100 +×\d\.\d\d\n {2}push +store +\d+% +400 +×0\.\d\d\n {2}in_app +store /);
    expect(text).toMatch(/by channel × stated first preference\n.*\n.*\n {2}push +push +\d+% +400 +×0\.\d\d +×\d\.\d\d\n {2}in_app +push +\d+% +400 +×1\.\d\d +×\d\.\d\d\n/);
  });

  it('prints the priors as stored with --json, which dry-run --priors takes and decides with', async () => {
    const { lines, errors, out } = collector();
    expect(await priors({ json: true }, out, deps('learned'))).toBe(0);
    expect(errors).toEqual([]);
    expect(JSON.parse(lines.join('\n'))).toEqual(stored);

    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-priors-')), 'priors.json');
    writeFileSync(file, lines.join('\n'));
    const without = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--json']);
    const withPriors = await runCli(['dry-run', '--request', offer, '--customer', lena, '--now', NOW, '--json', '--priors', file]);
    expect(withPriors).toMatchObject({ code: 0, err: '' });
    expect((JSON.parse(without.out) as DryRunReport).channels).toEqual(['push']);
    const report = JSON.parse(withPriors.out) as DryRunReport;
    expect(report.channels).toEqual(['in_app']);
    expect(report.decision.ranked[0]?.reasons.join('\n')).toMatch(/learned prior \d+%/);
  });

  it('says the configured priors decide when nothing is stored yet, and shows them; --json answers null', async () => {
    const readable = collector();
    expect(await priors({ json: false }, readable.out, deps('empty'))).toBe(0);
    expect(readable.errors).toEqual([]);
    expect(readable.lines[0]).toBe('no learned priors yet: decisions use the configured priors (looked in the local system)');
    expect(readable.lines.slice(1)).toEqual([
      '  channel  rate  strength',
      '  -------  ----  -----------------',
      '  push     15%   worth 10 messages',
      '  sms      15%   worth 10 messages',
      '  email    20%   worth 10 messages',
      '  in_app   15%   worth 10 messages',
    ]);

    const json = collector();
    expect(await priors({ json: true }, json.out, deps('empty'))).toBe(0);
    expect(json.lines).toEqual(['null']);
  });

  it('lists every problem of a stored item that is not a set of learned priors, and exits 1 with nothing on standard output', async () => {
    for (const json of [false, true]) {
      const { lines, errors, out } = collector();
      expect(await priors({ json }, out, deps('broken'))).toBe(1);
      expect(lines).toEqual([]);
      expect(errors[0]).toBe('the learned priors stored in the local system are not valid, so decisions use the configured priors:');
      const problems = errors.slice(1).join('\n');
      expect(problems).toMatch(/^ {2}learnedAt: /m);
      expect(problems).toMatch(/^ {2}observations: /m);
      expect(problems).toMatch(/^ {2}channels: unknown field\(s\): fax$/m);
      expect(problems).toMatch(/^ {2}channels\.push\.rate: /m);
      expect(errors).toHaveLength(5);
    }
    // An item with no priors in it at all.
    await brokenTables.doc.send(new PutCommand({ TableName: brokenTables.tables.counters, Item: { counterKey: LEARNED_PRIORS_KEY } }));
    const { errors, out } = collector();
    expect(await priors({ json: false }, out, deps('broken'))).toBe(1);
    expect(errors.slice(1)).toEqual([expect.stringMatching(/^ {2}\(the whole set\): /)]);
  });

  it('reads the table COUNTERS_TABLE names, with the usual AWS settings, before any local system', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint') });
    try {
      const { lines, out } = collector();
      const env = { COUNTERS_TABLE: learnedTables.tables.counters };
      expect(await priors({ json: true }, out, { env, localConfigPath: configs.empty })).toBe(0);
      expect(JSON.parse(lines.join('\n'))).toEqual(stored);
    } finally {
      process.env = saved;
    }
  });

  it('exits 1 with a hint when there is nothing to read from, and is routed by the command line, which checks its arguments', async () => {
    const nowhere = collector();
    expect(await priors({ json: false }, nowhere.out, { env: {}, localConfigPath: join(tmpdir(), 'missing', 'local.json') })).toBe(1);
    expect(nowhere.errors.join('\n')).toMatch(/npm start[\s\S]*COUNTERS_TABLE/);

    const extra = collector();
    expect(await main(['priors', 'push'], extra.out)).toBe(1);
    expect(extra.errors.join('\n')).toMatch(/^switchboard priors: .*push[\s\S]*\(switchboard priors --help lists its arguments\)/);
    const flag = collector();
    expect(await main(['priors', '--verbose'], flag.out)).toBe(1);
    expect(flag.errors.join('\n')).toContain("Unknown option '--verbose'");
  });
});
