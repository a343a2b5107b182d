import { codeOf } from '../functions/core/errors.js';
import type { Channel, DeliveryRecord } from '../functions/core/model.js';
import type { OrchestratorDeps } from '../functions/core/orchestrate.js';
import type { OutboundMessage, SendResult, Senders } from '../functions/core/ports.js';

export type DeathCause = 'crash' | 'timeout';

/** Errors and retryable results that reached the handler's code through a port, by `port.method code`. */
export class ThroughTally {
  readonly counts: Record<string, number> = {};

  add(where: string, code: string): void {
    const key = `${where} ${code}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }
}

const NEVER = new Promise<never>(() => undefined);

/**
 * One invocation's life. A crash comes at a seeded port call, but never while a send is on its way
 * or accepted and not yet written down: that window is the at-least-once limit no code can close
 * (providers take no idempotency key), so the run does not inject it. A timeout, like Lambda's,
 * ends the invocation wherever it is, and remembers which requests it caught in that window.
 */
export class Life {
  private ended?: DeathCause;
  private calls = 0;
  private readonly open = new Map<string, number>();
  private announce: (cause: DeathCause) => void = () => undefined;
  readonly death = new Promise<DeathCause>((resolve) => (this.announce = resolve));
  /** Requests with a send in flight or accepted and unrecorded when a timeout ended the invocation. */
  caughtInWindow: string[] = [];

  constructor(private readonly crashAtCall?: number) {}

  get dead(): boolean {
    return this.ended !== undefined;
  }

  /** Called as a port call starts; false means the invocation is gone and the call never returns. */
  enter(): boolean {
    if (this.ended) return false;
    this.calls++;
    if (this.crashAtCall !== undefined && this.calls >= this.crashAtCall && this.open.size === 0) this.end('crash');
    return !this.ended;
  }

  /** The function timeout: the instance is stopped wherever it is. */
  kill(): void {
    if (this.ended) return;
    this.caughtInWindow = [...this.open.keys()];
    this.end('timeout');
  }

  /**
   * The handler returned: whatever it left running would only resume if Lambda thawed this
   * instance again, so it is stopped here. (Middy's early timeout returns before Lambda would end
   * the invocation; the work it abandons must not keep sending past the claim's lease.)
   */
  retire(): void {
    if (!this.ended) this.ended = 'timeout';
  }

  openWindow(requestId: string): void {
    this.open.set(requestId, (this.open.get(requestId) ?? 0) + 1);
  }

  closeWindow(requestId: string, all = false): void {
    const left = all ? 0 : (this.open.get(requestId) ?? 1) - 1;
    if (left > 0) this.open.set(requestId, left);
    else this.open.delete(requestId);
  }

  private end(cause: DeathCause): void {
    this.ended = cause;
    this.announce(cause);
  }
}

/**
 * The same ports, bound to one invocation's life: once it is over, calls in flight never come back
 * and new ones never start, as in a Lambda instance that crashed or timed out.
 */
export function mortalDeps(deps: OrchestratorDeps, life: Life, through: ThroughTally): OrchestratorDeps {
  const deliveries = mortal(deps.deliveries, 'deliveries', life, through, (method, args) => {
    if (method === 'recordAccepted') life.closeWindow(args[0] as string, true);
    if (method === 'finish') life.closeWindow((args[0] as DeliveryRecord).requestId, true);
  });
  return {
    ...deps,
    customers: mortal(deps.customers, 'customers', life, through),
    deliveries,
    counter: mortal(deps.counter, 'counter', life, through),
    ...(deps.engagement ? { engagement: mortal(deps.engagement, 'engagement', life, through) } : {}),
    ...(deps.providerMessages ? { providerMessages: mortal(deps.providerMessages, 'providerMessages', life, through) } : {}),
    senders: mortalSenders(deps.senders, life, through),
  };
}

function mortal<T extends object>(port: T, name: string, life: Life, through: ThroughTally, after?: (method: string, args: unknown[]) => void): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = String(property);
      return (...args: unknown[]) => {
        if (!life.enter()) return NEVER;
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (ok: unknown) => {
            if (life.dead) return NEVER;
            after?.(method, args);
            return ok;
          },
          (error: unknown) => {
            if (life.dead) return NEVER;
            through.add(`${name}.${method}`, codeOf(error));
            throw error;
          },
        );
      };
    },
  });
}

function mortalSenders(senders: Senders, life: Life, through: ThroughTally): Senders {
  const wrapped: Senders = {};
  for (const [channel, sender] of Object.entries<Senders[Channel]>(senders)) {
    if (!sender) continue;
    const send = async (message: OutboundMessage): Promise<SendResult> => {
      if (!life.enter()) return NEVER;
      life.openWindow(message.requestId);
      let result: SendResult;
      try {
        result = await (sender as { send(m: OutboundMessage): Promise<SendResult> }).send(message);
      } catch (error) {
        if (life.dead) return NEVER;
        life.closeWindow(message.requestId);
        through.add(`senders.${channel}`, codeOf(error));
        throw error;
      }
      if (life.dead) return NEVER;
      if (result.outcome !== 'SENT') {
        life.closeWindow(message.requestId);
        if (result.outcome === 'FAILED_RETRYABLE') through.add(`senders.${channel}`, result.code);
      }
      return result;
    };
    (wrapped as Record<string, unknown>)[channel] = { channel, send };
  }
  return wrapped;
}
