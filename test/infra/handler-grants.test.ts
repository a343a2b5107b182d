import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { instrumentSdkClients } from '../../bench/count-requests.js';
import { DynamoProviderMessageIndex } from '../../functions/adapters/dynamo-provider-message-index.js';
import { MemoryLinkSigner } from '../../functions/adapters/memory/link-signer.js';
import { scheduleName } from '../../functions/adapters/eventbridge-wake-scheduler.js';
import { preferencesClaims, unsubscribeClaims } from '../../functions/core/links.js';
import { localSqsClient } from '../../functions/local/clients.js';
import { createQueues, type QueueNames } from '../../functions/local/provision.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../functions/local/secrets-manager-local.js';
import type { Customer } from '../../functions/core/model.js';
import { awslogsEvent, FIXTURE_CUSTOMER_ID, FIXTURE_REQUEST_ID, type SesFixture, sesFixture, smsFixture, smsFixtureMessageId } from '../support/feedback-fixtures.js';
import { iamEvent, jwtEvent } from '../support/http-events.js';
import { DeployedStack, simulate, unexercisedGrants } from '../support/iam-simulation.js';
import { context, deliver, type HttpHandler } from '../support/inbox-world.js';
import { handlerTables, type LocalTables } from '../support/local-aws.js';
import { KEY_1, ring } from '../support/link-keys.js';
import { SdkCallLog } from '../support/sdk-calls.js';
import { synthesize, type Synthesized, TEMPLATE_BUNDLE } from './synth.js';

/**
 * The handlers besides the orchestrator (whose calls the pipeline test records), each driven
 * through every path that reaches AWS, on DynamoDB Local: every call each one makes must be
 * allowed by its role in the synthesized stack, and its role may hold nothing those calls do not
 * use.
 */
const SERVICES = [
  'switchboard-feedback',
  'switchboard-inbox-api',
  'switchboard-history-api',
  'switchboard-unsubscribe',
  'switchboard-preferences',
  'switchboard-profile-api',
  'switchboard-ingest',
  'switchboard-priors-refresh',
] as const;
type Service = (typeof SERVICES)[number];
type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The link signing secret as a stack generates it (one plain key, known as k0), served by the stand-in. */
const SECRET_NAME = 'switchboard-iam/link-signing';
const signer = new MemoryLinkSigner(ring('k0', { k0: KEY_1 }));
let secrets: LocalSecretsManager;
const AT = '2026-11-24T12:00:00.000Z';
const CUSTOMER = 'c-iam-1';
/** The wake schedule group the handlers are told of; Scheduler itself is mocked, the queue is the emulator's. */
const WAKE_GROUP = 'iam-wakes';
const scheduler = mockClient(SchedulerClient);
const sqs = localSqsClient(inject('sqsEndpoint'), inject('sqsRegion'));
let queues: QueueNames;
let local: LocalTables;
let synthesized: Synthesized;
let undo: () => void;
const handlers = {} as Record<Service, Handler>;
const calls = {} as Record<Service, SdkCallLog>;
let current: Service | undefined;

beforeAll(async () => {
  secrets = await startLocalSecretsManager({ secrets: { [SECRET_NAME]: KEY_1 } });
  const linkSigningSecret = secrets.arnOf(SECRET_NAME);
  queues = await createQueues(sqs, `iam-${Date.now()}-`);
  local = await handlerTables('iam', {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    LINK_SIGNING_SECRET_ID: linkSigningSecret,
    TEMPLATE_BUNDLE_PATH: TEMPLATE_BUNDLE,
    BRAND_NAME: 'Fernhill',
    REQUESTS_QUEUE_URL: queues.requests.url,
    WAKE_SCHEDULE_GROUP: WAKE_GROUP,
  });
  scheduler.on(DeleteScheduleCommand).resolves({});
  for (const service of SERVICES) {
    calls[service] = new SdkCallLog({ tables: local.tables, linkSigningSecret, queues: { requests: queues.requests.url }, wakeScheduleGroup: WAKE_GROUP });
  }
  // Handler invocations run one at a time, so a call belongs to whichever handler is running.
  undo = instrumentSdkClients(
    [DynamoDBClient, SecretsManagerClient],
    (call) => {
      if (!current) throw new Error(`${call.service} ${call.operation} made outside a handler invocation`);
      calls[current].add(call.service, call.operation, call.input);
    },
    { ignore: [local.client, local.doc, sqs] },
  );
  const modules = {
    'switchboard-feedback': import('../../functions/feedback/handler.js'),
    'switchboard-inbox-api': import('../../functions/inbox-api/handler.js'),
    'switchboard-history-api': import('../../functions/history-api/handler.js'),
    'switchboard-unsubscribe': import('../../functions/unsubscribe/handler.js'),
    'switchboard-preferences': import('../../functions/preferences/handler.js'),
    'switchboard-profile-api': import('../../functions/profile-api/handler.js'),
    'switchboard-ingest': import('../../functions/ingest/handler.js'),
    'switchboard-priors-refresh': import('../../functions/priors-refresh/handler.js'),
  };
  for (const service of SERVICES) handlers[service] = ((await modules[service]) as unknown as { handler: Handler }).handler;
  synthesized = synthesize();
});

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning them. */
  undo?.();
  scheduler.restore();
  synthesized?.cleanup();
  local?.client.destroy();
  await secrets?.stop();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

async function as<T>(service: Service, work: (handler: Handler) => Promise<T>): Promise<T> {
  current = service;
  try {
    return await work(handlers[service]);
  } finally {
    current = undefined;
    // The mock answers before any middleware sees the call: taken in here, for this handler.
    calls[service].addMocked('Scheduler', scheduler);
    scheduler.resetHistory();
  }
}

/** The delivery record waits for its escalation's next look, as after a step the orchestrator sent. */
async function escalating(requestId: string): Promise<void> {
  const due = new Date(Date.parse(AT) + 30 * 60_000).toISOString();
  await local.doc.send(
    new UpdateCommand({
      TableName: local.tables.deliveries,
      Key: { requestId },
      UpdateExpression: 'SET wake = :w',
      ExpressionAttributeValues: { ':w': { token: 'e1', kind: 'escalation', due } },
    }),
  );
}

/** The wake messages on the requests queue, taken off it. */
async function wakesSent(): Promise<unknown[]> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.requests.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.requests.url, ReceiptHandle: message.ReceiptHandle }));
  return Messages.map((message) => JSON.parse(message.Body ?? '') as unknown);
}

const wakeOf = (requestId: string) => ({ wake: { requestId, token: 'e1', kind: 'escalation' } });

const inbox = (method: string, path: string, body?: unknown) =>
  as('switchboard-inbox-api', (h) => h(jwtEvent({ method, path, sub: CUSTOMER, ...(body === undefined ? {} : { body }) }), context)) as ReturnType<HttpHandler>;

describe('the handlers on DynamoDB Local', () => {
  it('feedback applies SES events and SMS status logs, complaints and STOP replies included, and concludes an escalation on an open', async () => {
    const customer: Customer = {
      customerId: FIXTURE_CUSTOMER_ID,
      email: { address: 'customer@example.com', status: 'active' },
      phone: { number: '+4915100000000', status: 'active' },
      consent: { email: { '*': 'opt_in' }, sms: { '*': 'opt_in' } },
    };
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: customer }));
    await deliver(local, { requestId: FIXTURE_REQUEST_ID, customerId: FIXTURE_CUSTOMER_ID, channel: 'email', at: AT });
    await escalating(FIXTURE_REQUEST_ID);
    const index = new DynamoProviderMessageIndex(local.doc, { tableName: local.tables.deliveries });
    for (const [requestId, fixture] of [
      ['r-iam-sms-1', 'sms-success'],
      ['r-iam-sms-2', 'sms-opted-out'],
    ] as const) {
      await deliver(local, { requestId, customerId: FIXTURE_CUSTOMER_ID, channel: 'sms', at: AT });
      await index.remember('sms', smsFixtureMessageId(fixture), requestId, new Date(AT));
    }
    const ses = (name: SesFixture) => as('switchboard-feedback', (h) => h(sesFixture(name), context));
    for (const name of ['ses-send', 'ses-delivery'] as const) expect(await ses(name)).toMatchObject({ applied: 1 });
    expect(await wakesSent()).toEqual([]);
    // The open brings the escalation's wake forward: sent to the queue now, its schedule deleted.
    expect(await ses('ses-open')).toMatchObject({ applied: 1 });
    expect(await wakesSent()).toEqual([wakeOf(FIXTURE_REQUEST_ID)]);
    expect(calls['switchboard-feedback'].requests()).toContainEqual({
      action: 'scheduler:DeleteSchedule',
      resource: `schedule/${scheduleName({ requestId: FIXTURE_REQUEST_ID, token: 'e1' })}`,
    });
    // A click before the orchestrator took the wake sends it again; the second copy finds its token spent.
    expect(await ses('ses-click')).toMatchObject({ applied: 1 });
    expect(await wakesSent()).toEqual([wakeOf(FIXTURE_REQUEST_ID)]);
    expect(await ses('ses-complaint')).toMatchObject({ applied: 1 });
    const logs = awslogsEvent([smsFixture('sms-success'), smsFixture('sms-opted-out')]);
    expect(await as('switchboard-feedback', (h) => h(logs, context))).toMatchObject({ applied: 2 });
  }, 60_000);

  it('the inbox API lists, marks and reports push engagement, concluding an escalation on an open', async () => {
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId: CUSTOMER, inApp: { enabled: true } } satisfies Customer }));
    for (const requestId of ['r-iam-in-1', 'r-iam-in-2', 'r-iam-in-3']) await deliver(local, { requestId, customerId: CUSTOMER, channel: 'in_app', at: AT });
    await deliver(local, { requestId: 'r-iam-push', customerId: CUSTOMER, channel: 'push', at: AT });
    await escalating('r-iam-push');
    const listed = await inbox('GET', '/inbox');
    expect(listed.statusCode).toBe(200);
    const [newest] = (JSON.parse(String(listed.body)) as { items: { id: string }[] }).items;
    // A message is marked by the id the list gave it or by its request id: a read by key, or a query.
    expect((await inbox('POST', `/inbox/${encodeURIComponent(newest?.id ?? '')}/read`)).statusCode).toBe(200);
    for (const [requestId, action] of [
      ['r-iam-in-2', 'clicked'],
      ['r-iam-in-3', 'dismissed'],
    ]) {
      expect((await inbox('POST', `/inbox/${requestId}/${action}`)).statusCode).toBe(200);
    }
    expect(await wakesSent()).toEqual([]);
    // The push opened concludes that request's escalation.
    expect((await inbox('POST', '/events', { requestId: 'r-iam-push', event: 'opened' })).statusCode).toBe(202);
    expect(await wakesSent()).toEqual([wakeOf('r-iam-push')]);
    expect(calls['switchboard-inbox-api'].requests()).toContainEqual({
      action: 'scheduler:DeleteSchedule',
      resource: `schedule/${scheduleName({ requestId: 'r-iam-push', token: 'e1' })}`,
    });
  });

  it('the history API pages through a customer’s records', async () => {
    for (const requestId of ['r-iam-h-1', 'r-iam-h-2', 'r-iam-h-3']) await deliver(local, { requestId, customerId: 'c-iam-3', channel: 'email', at: AT });
    const get = (query: Record<string, string>) =>
      as('switchboard-history-api', (h) => h(iamEvent({ method: 'GET', path: '/customers/c-iam-3/deliveries', query }), context)) as ReturnType<HttpHandler>;
    const first = await get({ limit: '2' });
    expect(first.statusCode).toBe(200);
    const { cursor } = JSON.parse(String(first.body)) as { cursor?: string };
    expect(cursor).toBeDefined();
    expect((await get({ limit: '2', cursor: cursor as string })).statusCode).toBe(200);
    const status = await (as('switchboard-history-api', (h) => h(iamEvent({ method: 'GET', path: '/requests/r-iam-h-1' }), context)) as ReturnType<HttpHandler>);
    expect(status.statusCode).toBe(200);
  });

  it('ingest queues the valid requests of a batch and nothing else', async () => {
    const requests = ['r-iam-ingest-1', 'r-iam-ingest-2'].map((requestId) => ({ requestId, customerId: 'c-iam-7', template: 'order-shipped' }));
    const post = as('switchboard-ingest', (h) => h(iamEvent({ method: 'POST', path: '/requests', body: [...requests, { requestId: 'r-iam-ingest-3' }] }), context));
    expect(await (post as ReturnType<HttpHandler>)).toMatchObject({ statusCode: 202 });
    // Off the queue again, so that the wakes the other handlers send are all that is on it.
    const queued = (await wakesSent()) as { requestId: string }[];
    expect(queued.sort((a, b) => a.requestId.localeCompare(b.requestId))).toEqual(requests);
  });

  it('the priors refresher reads the delivery records and stores what it learned', async () => {
    await deliver(local, { requestId: 'r-iam-priors', customerId: 'c-iam-8', channel: 'email', at: new Date().toISOString() });
    const summary = await as('switchboard-priors-refresh', (h) => h({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context));
    expect(summary).toMatchObject({ complete: true });
    expect((summary as { read: number }).read).toBeGreaterThan(0);
  });

  it('unsubscribe opts out on a signed one-click POST', async () => {
    await local.doc.send(new PutCommand({ TableName: local.tables.customers, Item: { customerId: 'c-iam-2', consent: { email: { '*': 'opt_in' } } } satisfies Customer }));
    await deliver(local, { requestId: 'r-iam-unsub', customerId: 'c-iam-2', channel: 'email', at: AT });
    const token = await signer.sign(unsubscribeClaims({ requestId: 'r-iam-unsub', customerId: 'c-iam-2', topic: 'promotions' }, new Date()));
    const post = jwtEvent({ method: 'POST', path: '/unsubscribe', query: { token }, body: 'List-Unsubscribe=One-Click' });
    const event = { ...post, headers: { 'content-type': 'application/x-www-form-urlencoded' } } as unknown as APIGatewayProxyEventV2;
    expect(await as('switchboard-unsubscribe', (h) => h(event, context))).toMatchObject({ statusCode: 200 });
  });

  it('the preference centre opens from a signed link, its keys read from the secret', async () => {
    await local.doc.send(
      new PutCommand({ TableName: local.tables.customers, Item: { customerId: 'c-iam-5', email: { address: 'e@example.com', status: 'active' } } satisfies Customer }),
    );
    const token = await signer.sign(preferencesClaims('c-iam-5', new Date()));
    const page = await as('switchboard-preferences', (h) => h(jwtEvent({ method: 'GET', path: '/preference-centre', query: { token } }), context));
    expect(page).toMatchObject({ statusCode: 200 });
  });

  it('the preferences API reads the signed-in customer’s choices and saves a change', async () => {
    await local.doc.send(
      new PutCommand({
        TableName: local.tables.customers,
        Item: { customerId: 'c-iam-4', email: { address: 'c@example.com', status: 'active' }, consent: { email: { '*': 'opt_in' } } } satisfies Customer,
      }),
    );
    const call = (method: string, body?: unknown) =>
      as('switchboard-preferences', (h) =>
        h(jwtEvent({ method, path: '/preferences', sub: 'c-iam-4', ...(body === undefined ? {} : { body }) }), context),
      ) as ReturnType<HttpHandler>;
    expect((await call('GET')).statusCode).toBe(200);
    expect((await call('PUT', { topics: { promotions: { email: false } } })).statusCode).toBe(200);
  });

  it('the profile API creates and replaces a profile, records the moment and consent, and erases the customer', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      as('switchboard-profile-api', (h) => h(iamEvent({ method, path, ...(body === undefined ? {} : { body }) }), context)) as ReturnType<HttpHandler>;
    // Times in the past whenever the test runs: the API refuses observations and consent from the future.
    const past = '2020-01-01T00:00:00.000Z';
    expect((await call('PUT', '/customers/c-iam-6', { email: { address: 'f@example.com' }, inApp: { enabled: true } })).statusCode).toBe(201);
    expect((await call('PUT', '/customers/c-iam-6', { email: { address: 'f@example.com' }, inApp: { enabled: true }, locale: 'de' })).statusCode).toBe(200);
    expect((await call('GET', '/customers/c-iam-6')).statusCode).toBe(200);
    expect((await call('PATCH', '/customers/c-iam-6/context', { surface: 'app', observedAt: past })).statusCode).toBe(200);
    expect(
      (await call('POST', '/customers/c-iam-6/consent', { source: 'crm', changes: [{ channel: 'email', topic: 'promotions', value: 'opt_in', updatedAt: past }] })).statusCode,
    ).toBe(200);
    await deliver(local, { requestId: 'r-iam-erase', customerId: 'c-iam-6', channel: 'in_app', at: AT });
    const erased = await call('DELETE', '/customers/c-iam-6');
    expect(JSON.parse(String(erased.body))).toMatchObject({ erased: { profile: true, inboxItems: 1, deliveryRecords: 1, providerMessageIds: 1 } });
  });
});

describe.each(SERVICES)('the role of %s', (service) => {
  const stack = () => new DeployedStack(synthesized.template.toJSON(), { stackName: synthesized.stack.stackName });

  it('allows every call the handler made', async () => {
    const requests = calls[service].requests();
    expect(requests.length).toBeGreaterThan(0);
    const verdicts = await simulate(stack(), stack().policiesOf(service), requests);
    expect(verdicts.filter((v) => v.result !== 'Allowed')).toEqual([]);
  });

  it('grants nothing the handler never called', () => {
    expect(unexercisedGrants(stack(), stack().policiesOf(service), calls[service].requests())).toEqual([]);
  });
});
