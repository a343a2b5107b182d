import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixedClock } from '../../functions/adapters/system-clock.js';
import { customers } from '../../functions/cli/commands/customers.js';
import { main } from '../../functions/cli/main.js';
import type { TemplateBundle } from '../../functions/core/templates.js';
import { type LocalTables, localTables } from '../support/local-aws.js';
import { tablesOnlyLocalConfig } from '../support/tables-only-local-config.js';

let local: LocalTables;
let dir: string;
let configPath: string;
let env: Record<string, string>;
const clock = fixedClock(new Date('2026-11-24T12:00:00.000Z'));

beforeAll(async () => {
  local = await localTables('cli-customers');
  dir = mkdtempSync(join(tmpdir(), 'switchboard-customers-'));
  configPath = join(dir, 'local.json');
  const bundle: TemplateBundle = {
    formatVersion: 1,
    templates: {},
    topics: {
      formatVersion: 1,
      topics: [
        { id: 'promotions', name: 'Offers', description: 'Offers.', category: 'marketing', channels: ['email', 'push'], requiredOn: [] },
        { id: 'order-updates', name: 'Orders', description: 'Orders.', category: 'transactional', channels: ['email'], requiredOn: ['email'] },
      ],
    },
  };
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
  env = { TEMPLATE_BUNDLE_PATH: join(dir, 'bundle.json') };
  configPath = await tablesOnlyLocalConfig(local.tables, '2026-11-24T11:00:00.000Z');
});
afterAll(() => local.client.destroy());

function collector() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: { log: (s: string) => lines.push(s), error: (s: string) => errors.push(s) } };
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

const deps = () => ({ env, localConfigPath: configPath, clock });

describe('switchboard customers', () => {
  it('put creates, then replaces, a profile on the running local system; get prints the record', async () => {
    const profile = file('profile.json', { locale: 'de-DE', email: { address: 'cli@example.com' }, inApp: { enabled: true } });
    const first = collector();
    expect(await customers({ command: 'put', customerId: 'c-cli-1', file: profile, json: false }, first.out, deps())).toBe(0);
    expect(first.lines).toEqual(['created the profile of c-cli-1 on the local system']);
    const second = collector();
    expect(await customers({ command: 'put', customerId: 'c-cli-1', file: profile, json: false }, second.out, deps())).toBe(0);
    expect(second.lines).toEqual(['replaced the profile of c-cli-1 on the local system']);

    const read = collector();
    expect(await customers({ command: 'get', customerId: 'c-cli-1' }, read.out, deps())).toBe(0);
    expect(JSON.parse(read.lines.join('\n'))).toEqual({
      customerId: 'c-cli-1',
      locale: 'de-DE',
      email: { address: 'cli@example.com', status: 'active', updatedAt: '2026-11-24T12:00:00.000Z' },
      inApp: { enabled: true },
    });
  });

  it('lists every problem of a profile with its path and writes nothing', async () => {
    const { errors, out } = collector();
    const broken = file('broken.json', { email: { address: 'nope' }, timeZone: 'Nowhere/Land', nickname: 'x' });
    expect(await customers({ command: 'put', customerId: 'c-cli-2', file: broken, json: false }, out, deps())).toBe(1);
    expect(errors).toEqual([
      'INVALID_BODY: the body breaks the contract',
      '  body.timeZone: must be an IANA time zone such as Europe/Berlin',
      '  body.email.address: must be an email address such as lena@example.com',
      '  body: unknown field(s): nickname',
    ]);
    expect((await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: 'c-cli-2' } }))).Item).toBeUndefined();
  });

  it('consent from flags is recorded with source and time; an older one is reported stale', async () => {
    const now = collector();
    const optOut = { channel: 'email' as const, topic: 'promotions', value: 'opt_out' as const };
    expect(await customers({ command: 'consent', customerId: 'c-cli-1', json: false, source: 'cli', change: optOut }, now.out, deps())).toBe(0);
    expect(now.lines).toEqual(['applied email/promotions: opt_out (api:cli, 2026-11-24T12:00:00.000Z)']);
    const older = collector();
    const optIn = { channel: 'email' as const, topic: 'promotions', value: 'opt_in' as const, updatedAt: '2026-11-24T11:00:00Z' };
    expect(await customers({ command: 'consent', customerId: 'c-cli-1', json: false, source: 'support-desk', change: optIn }, older.out, deps())).toBe(0);
    expect(older.lines).toEqual(['stale   email/promotions: opt_in (api:support-desk, 2026-11-24T11:00:00.000Z): the record holds a newer decision']);
    const stored = await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId: 'c-cli-1' } }));
    expect(stored.Item?.consent).toEqual({ email: { promotions: { value: 'opt_out', updatedAt: '2026-11-24T12:00:00.000Z', source: 'api:cli' } } });
  });

  it('consent from a file is checked against the registry of the bundle', async () => {
    const { errors, out } = collector();
    const body = file('consent.json', { source: 'crm', changes: [{ channel: 'email', topic: 'order-updates', value: 'opt_out', updatedAt: '2026-11-24T10:00:00Z' }] });
    expect(await customers({ command: 'consent', customerId: 'c-cli-1', json: false, source: 'cli', file: body }, out, deps())).toBe(1);
    expect(errors).toEqual([
      'INVALID_BODY: the body breaks the contract',
      '  body.changes.0.value: topic "order-updates" is required on email: customers cannot opt out of it there',
    ]);
  });

  it('names an unknown customer, and where it looked when nothing is running', async () => {
    const unknown = collector();
    expect(await customers({ command: 'get', customerId: 'c-nobody' }, unknown.out, deps())).toBe(1);
    expect(unknown.errors).toEqual(['UNKNOWN_CUSTOMER: no customer with this id', '  path.customerId: no customer with this id']);
    const nowhere = collector();
    expect(await customers({ command: 'get', customerId: 'c-cli-1' }, nowhere.out, { env: {}, localConfigPath: join(dir, 'missing.json') })).toBe(1);
    expect(nowhere.errors.join('\n')).toMatch(/npm start[\s\S]*CUSTOMERS_TABLE/);
  });

  it('reaches the table CUSTOMERS_TABLE names, with the usual AWS settings, before any local system', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint') });
    try {
      const { lines, out } = collector();
      expect(
        await customers({ command: 'get', customerId: 'c-cli-1' }, out, { env: { CUSTOMERS_TABLE: local.tables.customers }, localConfigPath: join(dir, 'missing.json') }),
      ).toBe(0);
      expect(JSON.parse(lines.join('\n'))).toMatchObject({ customerId: 'c-cli-1' });
    } finally {
      process.env = saved;
    }
  });

  it('refuses flags that do not make one consent change', async () => {
    for (const args of [
      ['customers', 'consent', 'c-1', '--channel', 'email', '--topic', 'promotions'],
      ['customers', 'consent', 'c-1', '--channel', 'email', '--topic', 'promotions', '--opt-in', '--opt-out'],
      ['customers', 'consent', 'c-1', '--channel', 'fax', '--topic', 'promotions', '--opt-in'],
      ['customers', 'put', 'c-1'],
      ['customers', 'delete', 'c-1'],
    ]) {
      const { errors, out } = collector();
      expect(await main(args, out)).toBe(1);
      expect(errors).toHaveLength(1);
    }
  });
});
