import type { SdkCall } from './count-requests.js';

export interface OperationCount {
  service: string;
  operation: string;
  /** What the call touched, when the caller named it (a DynamoDB table). */
  resource?: string;
  calls: number;
  /** HTTP requests, retries included: what AWS bills. */
  requests: number;
  errors: Record<string, number>;
  /** Consumed capacity units the service reported, and on how many calls it did. */
  capacityUnits: number;
  callsWithCapacity: number;
}

const DYNAMODB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
/** PartiQL batches count as writes: the orchestrator sends only UPDATE statements. */
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', 'BatchExecuteStatement']);

export function isDynamoRead(operation: string): boolean {
  return DYNAMODB_READS.has(operation);
}

export function isDynamoWrite(operation: string): boolean {
  return DYNAMODB_WRITES.has(operation);
}

/** SDK calls summed by service and operation. */
export class RequestTally {
  private readonly counts = new Map<string, OperationCount>();

  record(call: SdkCall, resource?: string): void {
    const key = `${call.service}.${call.operation}.${resource ?? ''}`;
    let count = this.counts.get(key);
    if (!count) {
      count = { service: call.service, operation: call.operation, ...(resource ? { resource } : {}), calls: 0, requests: 0, errors: {}, capacityUnits: 0, callsWithCapacity: 0 };
      this.counts.set(key, count);
    }
    count.calls++;
    // A call that failed before reaching the wire still counts as the one request it would be.
    count.requests += Math.max(1, call.attempts);
    if (call.error) count.errors[call.error] = (count.errors[call.error] ?? 0) + 1;
    if (call.capacityUnits !== undefined) {
      count.capacityUnits += call.capacityUnits;
      count.callsWithCapacity++;
    }
  }

  reset(): void {
    this.counts.clear();
  }

  snapshot(): OperationCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c, errors: { ...c.errors } }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation) || (a.resource ?? '').localeCompare(b.resource ?? ''));
  }
}
