import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchExecuteStatementCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countRequests, instrumentSdkClients, type SdkCall } from '../../bench/count-requests.js';
import { isDynamoWrite, RequestTally } from '../../bench/request-tally.js';

/** A stand-in DynamoDB endpoint: answers from a script and keeps the bodies it received. */
const script: { status: number; body: unknown }[] = [];
const received: Record<string, unknown>[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      const answer = script.shift() ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script.length = 0;
  received.length = 0;
});

const clientOptions = () => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const put = new PutItemCommand({ TableName: 't', Item: { id: { S: '1' } } });
const failure = (type: string) => ({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: type });

describe('countRequests', () => {
  it('reports service, operation and the capacity it asked DynamoDB for', async () => {
    const calls: SdkCall[] = [];
    const client = new DynamoDBClient(clientOptions());
    countRequests(client, (call) => calls.push(call), { consumedCapacity: true });
    script.push({ status: 200, body: { ConsumedCapacity: { TableName: 't', CapacityUnits: 2 } } });
    await client.send(put);
    expect(received[0]?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(calls).toEqual([expect.objectContaining({ service: 'DynamoDB', operation: 'PutItem', attempts: 1, capacityUnits: 2 })]);
    expect(calls[0]?.input).not.toHaveProperty('ReturnConsumedCapacity');
  });

  it('counts one write unit per PartiQL statement when the endpoint reports no capacity, as DynamoDB Local does', async () => {
    const calls: SdkCall[] = [];
    const client = new DynamoDBClient(clientOptions());
    countRequests(client, (call) => calls.push(call), { consumedCapacity: true });
    const update = { Statement: 'UPDATE "t" SET n = n + ? WHERE id = ?', Parameters: [{ N: '1' }, { S: 'a' }] };
    script.push({ status: 200, body: { Responses: [{}, {}, {}] } });
    await client.send(new BatchExecuteStatementCommand({ Statements: [update, update, update] }));
    script.push({ status: 200, body: { Responses: [{}], ConsumedCapacity: [{ TableName: 't', CapacityUnits: 2 }] } });
    await client.send(new BatchExecuteStatementCommand({ Statements: [update] }));
    expect(calls.map((call) => call.capacityUnits)).toEqual([3, 2]);
    expect(isDynamoWrite('BatchExecuteStatement')).toBe(true);
  });

  it('leaves the request alone unless asked, and keeps a capacity setting the caller chose', async () => {
    const client = new DynamoDBClient(clientOptions());
    countRequests(client, () => undefined);
    await client.send(put);
    const counted = new DynamoDBClient(clientOptions());
    countRequests(counted, () => undefined, { consumedCapacity: true });
    await counted.send(new PutItemCommand({ TableName: 't', Item: { id: { S: '1' } }, ReturnConsumedCapacity: 'INDEXES' }));
    expect(received.map((body) => body.ReturnConsumedCapacity)).toEqual([undefined, 'INDEXES']);
  });

  it('counts every attempt of a retried call', async () => {
    const calls: SdkCall[] = [];
    const client = new DynamoDBClient({ ...clientOptions(), maxAttempts: 3 });
    countRequests(client, (call) => calls.push(call));
    script.push({ status: 500, body: failure('InternalServerError') }, { status: 200, body: {} });
    await client.send(put);
    expect(received).toHaveLength(2);
    expect(calls).toEqual([expect.objectContaining({ attempts: 2 })]);
    expect(calls[0]).not.toHaveProperty('error');
  });

  it('records a failed call under its error name and still throws', async () => {
    const calls: SdkCall[] = [];
    const client = new DynamoDBClient(clientOptions());
    countRequests(client, (call) => calls.push(call));
    script.push({ status: 400, body: failure('ConditionalCheckFailedException') });
    await expect(client.send(put)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(calls).toEqual([expect.objectContaining({ operation: 'PutItem', attempts: 1, error: 'ConditionalCheckFailedException' })]);
  });
});

describe('instrumentSdkClients', () => {
  it('counts clients built after it, document clients once, and stops for clients built after the undo', async () => {
    const tally = new RequestTally();
    const undo = instrumentSdkClients([DynamoDBClient, DynamoDBDocumentClient, SNSClient], (call) => tally.record(call));
    try {
      const documents = DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions()));
      await documents.send(new PutCommand({ TableName: 't', Item: { id: '1' } }));
      await documents.send(new PutCommand({ TableName: 't', Item: { id: '2' } }));
    } finally {
      undo();
    }
    await new DynamoDBClient(clientOptions()).send(put);
    expect(received).toHaveLength(3);
    expect(tally.snapshot()).toEqual([expect.objectContaining({ service: 'DynamoDB', operation: 'PutItem', calls: 2, requests: 2 })]);
  });
});

describe('RequestTally', () => {
  it('sums calls, attempts, errors and capacity per operation', () => {
    const tally = new RequestTally();
    const call = { service: 'DynamoDB', operation: 'UpdateItem', input: {}, startedAt: 0, durationMs: 1 };
    tally.record({ ...call, attempts: 1, capacityUnits: 3 });
    tally.record({ ...call, attempts: 2, capacityUnits: 1.5 });
    tally.record({ ...call, attempts: 1, error: 'ConditionalCheckFailedException' });
    tally.record({ ...call, operation: 'BatchGetItem', attempts: 1, capacityUnits: 25 });
    expect(tally.snapshot()).toEqual([
      { service: 'DynamoDB', operation: 'BatchGetItem', calls: 1, requests: 1, errors: {}, capacityUnits: 25, callsWithCapacity: 1 },
      { service: 'DynamoDB', operation: 'UpdateItem', calls: 3, requests: 4, errors: { ConditionalCheckFailedException: 1 }, capacityUnits: 4.5, callsWithCapacity: 2 },
    ]);
  });
});
