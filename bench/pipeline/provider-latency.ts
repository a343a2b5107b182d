import type { SdkCall } from '../count-requests.js';
import { percentile } from '../stats.js';

/** The fields of the providers' call inputs that name a request or a phone; any of them may be missing. */
interface ProviderInput {
  Content?: { Simple?: { Headers?: { Name?: string; Value?: string }[] } };
  MessageRequest?: { TraceId?: string };
  TableName?: unknown;
  Item?: { requestId?: unknown };
  PhoneNumber?: unknown;
}

interface InFlight {
  customerId: string;
  createdAt: number;
}

export interface LatencySummary {
  /** Messages that reached a provider; the first provider call of each is measured. */
  measured: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** SMS calls carry no request id and were matched by phone number to the customer's request in flight. */
  matchedByPhone: number;
}

/**
 * From a request's `createdAt` to its first provider call, taken from the SDK calls themselves:
 * SES carries the request id in a header, Pinpoint as TraceId, the inbox item holds it, and an
 * SMS is matched through its phone number to the one request of that customer in the batch.
 */
export class ProviderLatency {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly byCustomer = new Map<string, Set<string>>();
  private readonly latencies: number[] = [];
  private matchedByPhone = 0;

  constructor(
    private readonly phoneOwners: ReadonlyMap<string, string>,
    private readonly inboxTable: string,
  ) {}

  /** Called with each batch before the handler sees it. */
  begin(requests: readonly { requestId: string; customerId: string; createdAt: string }[]): void {
    for (const r of requests) {
      const createdAt = Date.parse(r.createdAt);
      if (!Number.isFinite(createdAt) || this.inFlight.has(r.requestId)) continue;
      this.inFlight.set(r.requestId, { customerId: r.customerId, createdAt });
      let set = this.byCustomer.get(r.customerId);
      if (!set) this.byCustomer.set(r.customerId, (set = new Set()));
      set.add(r.requestId);
    }
  }

  /** Called after the batch: requests that reached no provider are not measured. */
  end(requestIds: readonly string[]): void {
    for (const id of requestIds) this.forget(id);
  }

  observe(call: SdkCall): void {
    const requestId = this.requestOf(call);
    const flight = requestId === undefined ? undefined : this.inFlight.get(requestId);
    if (requestId === undefined || !flight) return;
    this.latencies.push(call.startedAt - flight.createdAt);
    this.forget(requestId);
  }

  summary(): LatencySummary {
    return {
      measured: this.latencies.length,
      p50Ms: percentile(this.latencies, 50),
      p95Ms: percentile(this.latencies, 95),
      p99Ms: percentile(this.latencies, 99),
      maxMs: percentile(this.latencies, 100),
      matchedByPhone: this.matchedByPhone,
    };
  }

  private requestOf(call: SdkCall): string | undefined {
    const input = call.input as ProviderInput;
    switch (`${call.service}.${call.operation}`) {
      case 'SESv2.SendEmail': {
        const headers = input.Content?.Simple?.Headers ?? [];
        return headers.find((h) => h.Name === 'X-Switchboard-Request-Id')?.Value;
      }
      case 'Pinpoint.SendMessages':
        return input.MessageRequest?.TraceId;
      case 'DynamoDB.PutItem': {
        if (input.TableName !== this.inboxTable) return undefined;
        const id: unknown = input.Item?.requestId;
        return typeof id === 'string' ? id : ((id as { S?: string } | undefined)?.S ?? undefined);
      }
      case 'SNS.Publish': {
        const customerId = this.phoneOwners.get(String(input.PhoneNumber));
        const pending = customerId === undefined ? undefined : this.byCustomer.get(customerId);
        if (!pending || pending.size === 0) return undefined;
        this.matchedByPhone++;
        // Oldest first: a customer rarely has two requests in one batch, and then they were enqueued together.
        return [...pending].sort((a, b) => (this.inFlight.get(a)?.createdAt ?? 0) - (this.inFlight.get(b)?.createdAt ?? 0))[0];
      }
      default:
        return undefined;
    }
  }

  private forget(requestId: string): void {
    const flight = this.inFlight.get(requestId);
    if (!flight) return;
    this.inFlight.delete(requestId);
    const set = this.byCustomer.get(flight.customerId);
    set?.delete(requestId);
    if (set?.size === 0) this.byCustomer.delete(flight.customerId);
  }
}
