/**
 * Queues send requests with the typed client, as an upstream system would.
 *
 *   npm start                      # in another terminal: the whole system on this machine
 *   npx tsx examples/enqueue.ts
 *
 * It reads where local mode's queue is from `.switchboard/local.json` (SWITCHBOARD_LOCAL_CONFIG
 * names another file). With SWITCHBOARD_QUEUE_URL set it sends to that queue instead, with the
 * usual AWS settings (region, credentials) of this shell.
 */
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type SendRequestInput, SwitchboardClient } from 'switchboard/client';

/** The part of `.switchboard/local.json` a sender needs. */
interface LocalSystem {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { sqs: string };
  queues: { requests: { url: string } };
}

function connect(): { sqs: SQSClient; queueUrl: string; where: string } {
  const deployed = process.env.SWITCHBOARD_QUEUE_URL;
  if (deployed) return { sqs: new SQSClient({}), queueUrl: deployed, where: deployed };
  const path = process.env.SWITCHBOARD_LOCAL_CONFIG ?? '.switchboard/local.json';
  let local: LocalSystem;
  try {
    local = JSON.parse(readFileSync(path, 'utf8')) as LocalSystem;
  } catch {
    throw new Error(`no local system: ${path} is missing; start one with \`npm start\`, or set SWITCHBOARD_QUEUE_URL`);
  }
  // The emulator's queue URLs name a host that does not resolve: send to its endpoint instead.
  const sqs = new SQSClient({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.sqs, useQueueUrlAsEndpoint: false });
  return { sqs, queueUrl: local.queues.requests.url, where: 'the local system' };
}

// A request id is sent at most once, so each run makes its own; the rest is relative to now.
const run = Date.now().toString(36);
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

const requests: SendRequestInput[] = [
  {
    requestId: `example-${run}-order-shipped`,
    customerId: 'c-3004',
    template: 'order-shipped',
    data: {
      orderNumber: 'FH-300412',
      carrier: 'DHL',
      trackingUrl: 'https://fernhill.example/track/FH-300412',
      estimatedDelivery: inHours(48).slice(0, 10),
      items: [{ name: 'Waxed cotton field jacket', quantity: 1 }],
      orderUrl: 'https://fernhill.example/account/orders/FH-300412',
    },
  },
  {
    requestId: `example-${run}-cart-reminder`,
    customerId: 'c-3002',
    template: 'cart-reminder',
    data: { itemName: 'Merino crew-neck jumper', itemCount: 1, cartTotal: '£49.90', cartUrl: 'https://fernhill.example/cart/r/A7Q2M', lowStock: false },
    context: { surface: 'app' },
    expiresAt: inHours(4),
  },
  // Never queued: the client finds the repeated channel before anything is sent.
  { requestId: `example-${run}-repeated-channel`, customerId: 'c-3003', template: 'cart-reminder', channels: ['email', 'email'] },
];

const { sqs, queueUrl, where } = connect();
const client = new SwitchboardClient({ sqs, queueUrl });
const summary = await client.send(requests);
for (const result of summary.results) {
  const id = result.requestId ?? `request ${result.index}`;
  if (result.status === 'queued') console.log(`queued   ${id} (message ${result.messageId})`);
  if (result.status === 'invalid') for (const problem of result.problems) console.log(`invalid  ${id}: ${problem.path || '(whole request)'}: ${problem.message}`);
  if (result.status === 'failed') console.log(`failed   ${id}: ${result.code}${result.retryable ? ' (worth sending again)' : ''}`);
}
console.log(`${summary.queued} queued on ${where}, ${summary.invalid} invalid, ${summary.failed} failed`);
console.log('what became of them: npx switchboard history c-3004 (and c-3002)');
sqs.destroy();
process.exitCode = summary.failed > 0 ? 1 : 0;
