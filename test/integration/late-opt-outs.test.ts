import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo-customer-directory.js';
import { DynamoSuppressionWriter } from '../../functions/adapters/dynamo-suppression-writer.js';
import type { SuppressionPlan } from '../../functions/core/feedback/suppression.js';
import { type LocalTables, localTables } from '../support/local-aws.js';

/**
 * Feedback arrives late and more than once: a complaint, an unsubscribe or a STOP may be applied
 * after the customer has decided otherwise. The newer decision must survive the older event.
 */
let local: LocalTables;
let suppressions: DynamoSuppressionWriter;
let directory: DynamoCustomerDirectory;
beforeAll(async () => {
  local = await localTables('late-opt-outs');
  suppressions = new DynamoSuppressionWriter(local.doc, { tableName: local.tables.customers });
  directory = new DynamoCustomerDirectory(local.doc, { tableName: local.tables.customers });
});
afterAll(() => local.client.destroy());

const T0 = Date.parse('2026-11-24T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

async function put(item: Record<string, unknown>): Promise<void> {
  await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: item }));
}

async function read(customerId: string): Promise<Record<string, unknown> | undefined> {
  return (await local.doc.send(new GetCommand({ TableName: local.tables.customers, Key: { customerId }, ConsistentRead: true }))).Item;
}

function complaint(topics: string[], minutes: number): SuppressionPlan {
  return { reason: 'complaint', source: 'complaint', at: at(minutes), changes: [{ kind: 'opt_out_topics', channel: 'email', topics, withdrawEveryTopicOptIn: true }] };
}

describe('late email feedback on DynamoDB Local', () => {
  it('a complaint older than an opt-in leaves that opt-in, and the every-topic opt-in, in place', async () => {
    const newer = { value: 'opt_in', updatedAt: at(30), source: 'preference_centre' };
    await put({ customerId: 'c-reconsidered', consent: { email: { promotions: newer, '*': newer } } });
    await suppressions.apply('c-reconsidered', complaint(['promotions', 'new-arrivals'], 0));
    expect((await read('c-reconsidered'))?.consent).toEqual({
      email: { promotions: newer, '*': newer, 'new-arrivals': { value: 'opt_out', updatedAt: at(0), source: 'complaint' } },
    });
  });

  it('a complaint newer than the opt-ins replaces them and withdraws the every-topic opt-in, dated or bare', async () => {
    const older = { value: 'opt_in', updatedAt: at(-30), source: 'signup' };
    await put({ customerId: 'c-dated', consent: { email: { promotions: older, '*': older } } });
    await put({ customerId: 'c-bare', consent: { email: { promotions: 'opt_in', '*': 'opt_in' } } });
    for (const customerId of ['c-dated', 'c-bare']) {
      await suppressions.apply(customerId, complaint(['promotions'], 0));
      expect((await read(customerId))?.consent).toEqual({ email: { promotions: { value: 'opt_out', updatedAt: at(0), source: 'complaint' } } });
    }
  });

  it('an every-topic opt-in stored with an offset time is compared by its instant (09:30Z is older, 10:30Z newer than the 10:00Z event)', async () => {
    await put({ customerId: 'c-offset', consent: { email: { '*': { value: 'opt_in', updatedAt: '2026-11-24T11:30:00+02:00', source: 'signup' } } } });
    await suppressions.apply('c-offset', complaint([], 0));
    expect((await read('c-offset'))?.consent).toEqual({ email: {} });

    const later = { value: 'opt_in', updatedAt: '2026-11-24T12:30:00+02:00', source: 'signup' };
    await put({ customerId: 'c-offset-later', consent: { email: { '*': later } } });
    await suppressions.apply('c-offset-later', complaint([], 0));
    expect((await read('c-offset-later'))?.consent).toEqual({ email: { '*': later } });
  });

  it('writes nothing for a customer that does not exist', async () => {
    await suppressions.apply('c-ghost', complaint(['promotions'], 0));
    expect(await read('c-ghost')).toBeUndefined();
  });
});

describe('late STOP on DynamoDB Local', () => {
  it('suppresses the number and opts out of every SMS topic, creating the maps it needs', async () => {
    await put({ customerId: 'c-stop', phone: { number: '+4915112345678', status: 'active' } });
    await directory.applyAddressChanges('c-stop', [{ channel: 'sms', kind: 'opted_out' }], new Date(at(0)));
    expect(await read('c-stop')).toEqual({
      customerId: 'c-stop',
      phone: { number: '+4915112345678', status: 'suppressed', reason: 'opted_out', updatedAt: at(0) },
      consent: { sms: { '*': { value: 'opt_out', updatedAt: at(0), source: 'sms_opt_out' } } },
    });
  });

  it('an opt-in and a number given after the STOP survive it', async () => {
    const optIn = { value: 'opt_in', updatedAt: at(30), source: 'api:crm' };
    const phone = { number: '+4915199999999', status: 'active', updatedAt: at(30) };
    await put({ customerId: 'c-restarted', phone, consent: { sms: { '*': optIn } } });
    await directory.applyAddressChanges('c-restarted', [{ channel: 'sms', kind: 'opted_out' }], new Date(at(0)));
    expect(await read('c-restarted')).toEqual({ customerId: 'c-restarted', phone, consent: { sms: { '*': optIn } } });
  });

  it('never creates a customer', async () => {
    await directory.applyAddressChanges('c-nobody', [{ channel: 'sms', kind: 'opted_out' }], new Date(at(0)));
    expect(await read('c-nobody')).toBeUndefined();
  });
});
