import { createHash } from 'node:crypto';

export interface SeededFaultSettings<K extends string> {
  seed: number;
  /** Chance that a call which is not already failing starts a run of failures. */
  rate: number;
  /** Relative weight of each kind of failure. */
  kinds: Partial<Record<K, number>>;
  /** Longest run of consecutive failures of the same call; a run longer than the client's retries reaches the caller. */
  maxBurst: number;
  /** Chance that a run goes on after each failure, up to `maxBurst`. */
  burstiness: number;
}

interface CallState<K> {
  draws: number;
  remaining: number;
  kind?: K;
}

/**
 * Seeded failures for a fake service. A call is named by its operation and a fingerprint of its
 * content, so the client's own retries of one call meet the same run of failures, and a replay
 * with the same seed fails the same calls however the concurrent calls interleave.
 */
export class SeededFaults<K extends string> {
  private readonly calls = new Map<string, CallState<K>>();
  private readonly kinds: [K, number][];

  constructor(private readonly settings: SeededFaultSettings<K>) {
    this.kinds = (Object.entries(settings.kinds) as [K, number][]).filter(([, weight]) => weight > 0);
  }

  /** The failure to answer this call with, or undefined to serve it. */
  decide(operation: string, content: string): K | undefined {
    if (this.kinds.length === 0) return undefined;
    const key = `${operation}:${createHash('sha1').update(content).digest('base64')}`;
    const call = this.calls.get(key) ?? { draws: 0, remaining: 0 };
    this.calls.set(key, call);
    const draw = () => uniform(this.settings.seed, key, call.draws++);
    if (call.remaining > 0 && call.kind) {
      call.remaining--;
      return call.kind;
    }
    if (draw() >= this.settings.rate) return undefined;
    call.kind = pickWeighted(this.kinds, draw());
    let length = 1;
    while (length < this.settings.maxBurst && draw() < this.settings.burstiness) length++;
    call.remaining = length - 1;
    return call.kind;
  }
}

/** Calls and injected failures per operation, for a report. */
export class FaultTally {
  readonly calls: Record<string, number> = {};
  readonly faults: Record<string, Record<string, number>> = {};

  call(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  fault(operation: string, kind: string): void {
    const kinds = (this.faults[operation] ??= {});
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
}

function uniform(seed: number, key: string, draw: number): number {
  return createHash('sha1').update(`${seed}:${key}:${draw}`).digest().readUInt32BE(0) / 4_294_967_296;
}

function pickWeighted<K>(choices: [K, number][], roll: number): K {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let left = roll * total;
  for (const [kind, weight] of choices) {
    left -= weight;
    if (left < 0) return kind;
  }
  return (choices[choices.length - 1] as [K, number])[0];
}
