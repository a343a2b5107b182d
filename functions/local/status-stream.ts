import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record, type Shard } from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { statusStream } from '../definitions/events.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StatusStreamOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamHandler;
  context: () => Context;
  /** Pause after a pass that found nothing new. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface StatusStreamPoller {
  /** True when the last pass over the stream found nothing new. */
  idle(): boolean;
  /** Resolves true once a whole pass begun after the call found nothing new: everything stored before it was handed over. */
  settle(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

interface ShardState {
  parent?: string;
  iterator?: string;
  /** The last record handed over: an expired iterator resumes after it. */
  last?: string;
  closed: boolean;
}

/**
 * Does locally what Lambda's event source mapping does with the deliveries table's stream: reads
 * every shard from its oldest record, a parent before its children, and hands the records to the
 * handler in batches of the deployed size as a DynamoDBStreamEvent. A batch item failure hands the
 * records from the failed one on back, up to the deployed number of retries; a batch still failing
 * is reported and passed over, where Lambda would describe it in the dead-letter queue.
 */
export async function startStatusStream(options: StatusStreamOptions): Promise<StatusStreamPoller> {
  const described = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream: its definition must ask for one`);
  const shards = new Map<string, ShardState>();
  const waiters: { after: number; resolve: (settled: boolean) => void }[] = [];
  let running = true;
  let started = 0;
  let lastEmpty = 0;

  const discover = async () => {
    let start: string | undefined;
    do {
      const page = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
      for (const shard of page.StreamDescription?.Shards ?? []) addShard(shard);
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  };
  const addShard = (shard: Shard) => {
    if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { ...(shard.ParentShardId ? { parent: shard.ParentShardId } : {}), closed: false });
  };
  /** A shard is read once its parent, if still known, has been read to its end. */
  const readable = (state: ShardState) => !state.closed && !(state.parent && shards.get(state.parent)?.closed === false);

  const iteratorOf = async (shardId: string, state: ShardState) => {
    const position = state.last ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.last } : { ShardIteratorType: 'TRIM_HORIZON' as const };
    return (await options.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...position }))).ShardIterator;
  };

  const readShard = async (shardId: string, state: ShardState): Promise<number> => {
    state.iterator ??= await iteratorOf(shardId, state);
    if (!state.iterator) return 0;
    const page = await options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: statusStream.batchSize })).catch((error: unknown) => {
      // DynamoDB Local numbers stream records across all its tables, so an iterator taken while
      // this stream was empty may point below the first record it gets: start over from there.
      // An iterator left unused too long expires: a new one resumes after the last record read.
      const name = (error as Error).name;
      if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
      if (name === 'TrimmedDataAccessException') delete state.last;
      delete state.iterator;
      return undefined;
    });
    if (!page) return 0;
    const records = page.Records ?? [];
    if (records.length > 0) {
      await deliver(records.map((record) => lambdaRecord(record, streamArn)));
      state.last = records.at(-1)?.dynamodb?.SequenceNumber ?? state.last;
    }
    if (page.NextShardIterator) state.iterator = page.NextShardIterator;
    else state.closed = true;
    return records.length;
  };

  const deliver = async (batch: DynamoDBRecord[]) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const failed = await invoke(pending);
      if (failed === undefined) return;
      if (attempt >= statusStream.retryAttempts) {
        options.onError?.(new Error(`status events of ${pending.length} stream records not published after ${statusStream.retryAttempts} retries`));
        return;
      }
      pending = pending.slice(failed);
    }
  };

  /** The index in `batch` to hand back from, or undefined when all went through. */
  const invoke = async (batch: DynamoDBRecord[]): Promise<number | undefined> => {
    try {
      const response = await options.handler({ Records: batch }, options.context());
      const failures = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      if (failures.size === 0) return undefined;
      const first = batch.findIndex((record) => failures.has(record.dynamodb?.SequenceNumber ?? ''));
      return first < 0 ? 0 : first;
    } catch (error) {
      options.onError?.(error);
      return 0;
    }
  };

  const loop = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears it while the loop awaits.
    while (running) {
      const pass = ++started;
      let received = 0;
      try {
        await discover();
        for (const [shardId, state] of shards) if (readable(state)) received += await readShard(shardId, state);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() clears it while the loop awaits.
        if (!running) break;
        options.onError?.(error);
        received = -1;
      }
      if (received === 0) lastEmpty = pass;
      for (const waiter of waiters.filter((w) => lastEmpty > w.after)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(true);
      }
      if (received <= 0) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  })();

  return {
    idle: () => lastEmpty === started,
    settle: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        const waiter = { after: started, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          resolve(false);
        }, timeoutMs).unref();
      }),
    async stop() {
      running = false;
      await loop;
      for (const waiter of waiters.splice(0)) waiter.resolve(false);
    },
  };
}

/** A stream record in the shape Lambda hands it over: creation time in epoch seconds, the stream's ARN. */
function lambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    ...(record.awsRegion ? { awsRegion: record.awsRegion } : {}),
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(data.SequenceNumber ? { SequenceNumber: data.SequenceNumber } : {}),
      ...(data.SizeBytes !== undefined ? { SizeBytes: data.SizeBytes } : {}),
      ...(data.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
      ...(data.Keys ? { Keys: data.Keys as never } : {}),
      ...(data.NewImage ? { NewImage: repaired(data.NewImage) as never } : {}),
      ...(data.OldImage ? { OldImage: repaired(data.OldImage) as never } : {}),
    },
  };
}

type Image = Record<string, unknown>;

/**
 * DynamoDB Local writes an empty map into its stream records as `{}` rather than `{ "M": {} }`,
 * which DynamoDB and Lambda never do; put back what DynamoDB would have sent.
 */
function repaired(image: Image): Image {
  return Object.fromEntries(Object.entries(image).map(([key, value]) => [key, repairedValue(value)]));
}

function repairedValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const attribute = value as { M?: Image; L?: unknown[] };
  if (Object.keys(attribute).length === 0) return { M: {} };
  if (attribute.M) return { M: repaired(attribute.M) };
  if (attribute.L) return { L: attribute.L.map(repairedValue) };
  return value;
}
