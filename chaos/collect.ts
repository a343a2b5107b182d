import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel, DeliveryRecord } from '../functions/core/model.js';
import { REQUEST_ID_HEADER } from '../functions/core/feedback/ses.js';
import type { ChaosEnvironment } from './environment.js';
import { MARKER, type Workload } from './workload.js';

/** One message a provider (or the inbox table) accepted, tied to its request. */
export interface Acceptance {
  requestId: string;
  channel: Channel;
  at: number;
  /** The provider's own id for it, or the inbox item's key. */
  id: string;
  /** When the frequency counter counted it: the attempt's time on record, else the provider's. */
  countedAt: number;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
}

export interface Observations {
  records: Map<string, DeliveryRecord>;
  acceptances: Acceptance[];
  /** Accepted messages that name no request of this run, or whose body names another request than its envelope. */
  unattributed: string[];
  deadLetters: DeadLetter[];
  /** Messages still on the requests queue when the run stopped waiting. */
  leftOnQueue: number;
}

/** Reads what the run left behind: the tables, the sandbox's log, the local SES store and both queues. */
export async function collect(env: ChaosEnvironment, work: Workload, startedAt: number): Promise<Observations> {
  const unattributed: string[] = [];
  const acceptances: Acceptance[] = [];
  const markerOf = (text: string | undefined) => [...(text ?? '').matchAll(MARKER)].map((m) => m[0])[0];
  const check = (requestId: string | undefined, text: string | undefined, what: string): string | undefined => {
    const byMarker = work.byMarker.get(markerOf(text) ?? '')?.requestId;
    const id = requestId ?? byMarker;
    if (!id || !work.byId.has(id)) unattributed.push(`${what}: names no request of this run`);
    else if (byMarker && byMarker !== id) unattributed.push(`${what}: sent for ${id} with the body of ${byMarker}`);
    return id && work.byId.has(id) ? id : undefined;
  };

  for (const push of env.sandbox.state.push) {
    const accepted = push.results.filter((r) => r.status === 'SUCCESSFUL');
    if (accepted.length === 0) continue;
    const requestId = check(push.traceId ?? push.data?.requestId, push.body, `push ${accepted[0]?.messageId}`);
    if (requestId) acceptances.push(acceptance(requestId, 'push', Date.parse(push.at), accepted[0]?.messageId ?? ''));
  }
  for (const sms of env.sandbox.state.sms) {
    const requestId = check(undefined, sms.message, `sms ${sms.messageId}`);
    if (requestId) acceptances.push(acceptance(requestId, 'sms', Date.parse(sms.at), sms.messageId));
  }
  for (const email of await env.ses.emails()) {
    const header = email.headers?.find((h) => h.name.toLowerCase() === REQUEST_ID_HEADER.toLowerCase())?.value;
    const requestId = check(header, email.subject, `email ${email.messageId}`);
    if (requestId) acceptances.push(acceptance(requestId, 'email', env.emailTimes.get(email.messageId) ?? email.at * 1000, email.messageId));
  }
  for (const item of await scan(env.documents, env.tables.inbox)) {
    const sk = String(item.sk);
    const requestId = check(item.requestId as string | undefined, `${String(item.title ?? '')} ${String(item.body ?? '')}`, `in-app ${sk}`);
    if (requestId) acceptances.push(acceptance(requestId, 'in_app', env.inboxWrites.get(sk) ?? startedAt, sk));
  }

  const records = new Map<string, DeliveryRecord>();
  for (const item of await scan(env.documents, env.tables.deliveries)) {
    const requestId = String(item.requestId);
    // The provider message index shares the table under keys with a `#`, which no request id has.
    // Read as the delivery log reads an item: a missing attempts or timeline list is an empty one.
    if (!requestId.includes('#')) records.set(requestId, { attempts: [], timeline: [], ...item } as unknown as DeliveryRecord);
  }
  const attemptTimes = new Map<string, number>();
  for (const record of records.values()) {
    for (const attempt of record.attempts) if (attempt.providerMessageId) attemptTimes.set(attempt.providerMessageId, Date.parse(attempt.at));
  }
  for (const a of acceptances) a.countedAt = attemptTimes.get(a.id) ?? a.at;
  return {
    records,
    acceptances,
    unattributed,
    deadLetters: await drainDeadLetters(env.sqs, env.queues.deadLetter.url),
    leftOnQueue: await depth(env.sqs, env.queues.requests.url),
  };
}

function acceptance(requestId: string, channel: Channel, at: number, id: string): Acceptance {
  return { requestId, channel, at, id, countedAt: at };
}

async function scan(documents: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function depth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

async function drainDeadLetters(sqs: SQSClient, url: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, MessageSystemAttributeNames: ['All'] }));
    if (Messages.length === 0) return letters;
    for (const m of Messages) letters.push({ messageId: m.MessageId ?? '', body: m.Body ?? '', receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) });
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
}
