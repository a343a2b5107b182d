import { describe, expect, it } from 'vitest';
import { Life, mortalDeps, ThroughTally } from '../../chaos/mortal.js';
import { RetryableError } from '../../functions/core/errors.js';
import type { OrchestratorDeps } from '../../functions/core/orchestrate.js';
import type { OutboundMessage } from '../../functions/core/ports.js';

const PENDING = Symbol('pending');
/** Settles with the value, or PENDING when it has not settled after the work queued before it. */
async function settled<T>(promise: Promise<T>): Promise<T | typeof PENDING> {
  return Promise.race([promise, new Promise<typeof PENDING>((resolve) => setTimeout(() => resolve(PENDING), 20))]);
}

function fakeDeps(): OrchestratorDeps {
  const ok = async () => undefined;
  return {
    deliveries: { claim: ok, recordAccepted: ok, finish: ok, release: ok, reject: ok },
    counter: { tryConsume: async () => ({ allowed: true }), refund: ok },
    customers: {
      getMany: async () => {
        throw new RetryableError('throttled', 'ThrottlingException');
      },
      applyAddressChanges: ok,
    },
    senders: { push: { channel: 'push', send: async () => ({ outcome: 'SENT' as const, providerMessageId: 'p-1' }) } },
  } as unknown as OrchestratorDeps;
}

const push = { requestId: 'r-1' } as OutboundMessage;

describe('an invocation that dies', () => {
  it('crashes at its seeded call, but not while a send is accepted and not yet recorded', async () => {
    const life = new Life(2);
    const deps = mortalDeps(fakeDeps(), life, new ThroughTally());
    await deps.senders.push?.send(push as OutboundMessage<'push'>);
    expect(await settled(deps.counter.refund({} as never))).toBeUndefined();
    expect(life.dead).toBe(false);
    await deps.deliveries.recordAccepted('r-1', {} as never);
    expect(await settled(deps.deliveries.finish({ requestId: 'r-1' } as never))).toBe(PENDING);
    expect(await settled(life.death)).toBe('crash');
  });

  it('stops where it is at its timeout, noting the send caught unrecorded; nothing it calls returns', async () => {
    const life = new Life();
    const deps = mortalDeps(fakeDeps(), life, new ThroughTally());
    await deps.senders.push?.send(push as OutboundMessage<'push'>);
    life.kill();
    expect(life.caughtInWindow).toEqual(['r-1']);
    expect(await settled(deps.deliveries.recordAccepted('r-1', {} as never))).toBe(PENDING);
  });

  it('counts the errors that reach the handler through a port', async () => {
    const through = new ThroughTally();
    const deps = mortalDeps(fakeDeps(), new Life(), through);
    await expect(deps.customers.getMany(['c-1'])).rejects.toThrow('throttled');
    expect(through.counts).toEqual({ 'customers.getMany ThrottlingException': 1 });
  });
});
