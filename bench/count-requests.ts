/**
 * Counts AWS SDK requests with a middleware on each client's stack: by service and operation,
 * HTTP attempts (retries are billed too), errors, and DynamoDB consumed capacity.
 */

/** One SDK command as it went out. */
export interface SdkCall {
  /** `DynamoDB`, `SQS`, `SESv2`, `SNS`, `Pinpoint`. */
  service: string;
  /** `PutItem`, `SendMessageBatch`, … */
  operation: string;
  input: Readonly<Record<string, unknown>>;
  /** Epoch ms when the command entered the client: the moment of the provider call. */
  startedAt: number;
  durationMs: number;
  /** HTTP requests made, retries included. */
  attempts: number;
  /** Sum of `ConsumedCapacity.CapacityUnits`, when the service returned it. */
  capacityUnits?: number;
  /** The error's name when the command failed. */
  error?: string;
}

export type OnCall = (call: SdkCall) => void;

export interface CountOptions {
  /** Asks DynamoDB for `ReturnConsumedCapacity: TOTAL` where the caller did not set it. */
  consumedCapacity?: boolean;
}

type Next = (args: { input: Record<string, unknown> }) => Promise<{ output?: unknown }>;
type Middleware = (next: Next, context: Record<string, unknown>) => Next;
interface StackLike {
  add(middleware: Middleware, options: { step: 'initialize' | 'finalizeRequest'; name: string; priority: 'high' | 'low'; override: boolean }): void;
}
/** Any SDK v3 client; its stack is typed per service, so only its shape is relied on here. */
export interface ClientLike {
  middlewareStack: unknown;
}

const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchGetItem',
  'BatchWriteItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'TransactWriteItems',
  'BatchExecuteStatement',
]);
const ATTEMPTS = Symbol('attempts');

export function countRequests(client: ClientLike, onCall: OnCall, options: CountOptions = {}): void {
  const command: Middleware = (next, context) => async (args) => {
    const service = String(context.clientName ?? 'unknown').replace(/Client$/, '');
    const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
    const attempts = { count: 0 };
    context[ATTEMPTS as unknown as string] = attempts;
    const askCapacity = options.consumedCapacity && service === 'DynamoDB' && CAPACITY_OPERATIONS.has(operation) && !('ReturnConsumedCapacity' in args.input);
    const input = askCapacity ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
    const startedAt = Date.now();
    const call = { service, operation, input: args.input, startedAt };
    try {
      const result = await next({ ...args, input });
      const capacityUnits = capacityOf(result.output) ?? unreportedStatementUnits(operation, input);
      onCall({ ...call, durationMs: Date.now() - startedAt, attempts: attempts.count, ...(capacityUnits !== undefined ? { capacityUnits } : {}) });
      return result;
    } catch (error) {
      onCall({ ...call, durationMs: Date.now() - startedAt, attempts: attempts.count, error: (error as Partial<Error>).name ?? 'Error' });
      throw error;
    }
  };
  // Inside the retry middleware (finalizeRequest, high), so every attempt passes here once.
  const attempt: Middleware = (next, context) => (args) => {
    const attempts = context[ATTEMPTS as unknown as string] as { count: number } | undefined;
    if (attempts) attempts.count++;
    return next(args);
  };
  const stack = client.middlewareStack as StackLike;
  stack.add(command, { step: 'initialize', name: 'benchCountRequests', priority: 'high', override: true });
  stack.add(attempt, { step: 'finalizeRequest', name: 'benchCountAttempts', priority: 'low', override: true });
}

function capacityOf(output: unknown): number | undefined {
  const consumed = (output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity;
  const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  const units = entries.map((entry) => (entry as { CapacityUnits?: number }).CapacityUnits).filter((u): u is number => typeof u === 'number');
  return units.length > 0 ? units.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * DynamoDB Local reports no capacity for PartiQL batches. Each statement of ours updates (or
 * fails the condition on) one customer item, one write unit for items up to 1 KB: nearly all
 * customer records, so this undercounts only the few larger ones.
 */
function unreportedStatementUnits(operation: string, input: Record<string, unknown>): number | undefined {
  if (operation !== 'BatchExecuteStatement') return undefined;
  const statements = input.Statements;
  return Array.isArray(statements) ? statements.length : undefined;
}

type Send = (this: ClientLike, ...args: unknown[]) => Promise<unknown>;
/** Any SDK client class: `DynamoDBClient`, `DynamoDBDocumentClient`, … */
export interface ClientClass {
  prototype: object;
}

/**
 * Counts requests of clients that code under test builds itself (the handler builds its own at
 * import). Every SDK v3 client, the DynamoDB document client included, inherits `send` from one
 * shared base class; wrapping that `send` (the way aws-sdk-client-mock stubs it) adds
 * `countRequests` to each client's stack before its first request. Nothing else changes.
 * Returns an undo for later clients; clients already counted keep reporting.
 */
export interface InstrumentOptions extends CountOptions {
  /** Clients of the caller's own (a test reading back what the handler wrote) that stay uncounted. */
  ignore?: readonly ClientLike[];
}

export function instrumentSdkClients(classes: readonly ClientClass[], onCall: OnCall, options: InstrumentOptions = {}): () => void {
  const bases = new Set(classes.map((c) => Object.getPrototypeOf(c.prototype) as { send: Send }));
  const counted = new WeakSet<object>((options.ignore ?? []).map((client) => client.middlewareStack as object));
  const restores = [...bases].map((base) => {
    const original = base.send;
    base.send = function (this: ClientLike, ...args: unknown[]) {
      const stack = this.middlewareStack as object;
      if (!counted.has(stack)) {
        // A document client shares its stack with the client it wraps: count the stack once.
        counted.add(stack);
        countRequests(this, onCall, options);
      }
      return original.apply(this, args);
    };
    return () => {
      base.send = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}

/** The DynamoDB table a call names: `TableName`, the first of `RequestItems`, or a PartiQL statement's `"name"`. */
export function dynamoTableOf(input: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof input.TableName === 'string') return input.TableName;
  const batched = Object.keys((input.RequestItems as object | undefined) ?? {})[0];
  if (batched !== undefined) return batched;
  const [first] = Array.isArray(input.Statements) ? (input.Statements as Array<{ Statement?: string }>) : [];
  return first?.Statement ? /^\s*\w+\s+"([^"]+)"/.exec(first.Statement)?.[1] : undefined;
}
