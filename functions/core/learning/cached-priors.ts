import type { Clock, PriorsSource } from '../ports.js';
import type { LearnedPriors } from './priors.js';

export interface CachedPriorsOptions {
  /** How long priors read are used before they are read again. */
  keepMs: number;
  /** After a failed read, how long until the next try; meanwhile the last priors read (or none) stand. */
  retryMs: number;
  /** Told of each failed read, which is never passed on: a send does not wait for the priors. */
  onError?: (error: unknown) => void;
}

/** The priors change once an hour; a few minutes' delay in seeing them is nothing. */
export const DEFAULT_PRIORS_CACHE: CachedPriorsOptions = { keepMs: 5 * 60_000, retryMs: 60_000 };

/**
 * The learned priors read at most once per `keepMs` in a warm process, however many messages it
 * decides, and never a failure: a read that fails keeps what was read before, or none, so the
 * configured priors stand in.
 */
export class CachedPriors implements PriorsSource {
  private value: LearnedPriors | undefined;
  private freshUntil = Number.NEGATIVE_INFINITY;
  private reading: Promise<LearnedPriors | undefined> | undefined;

  constructor(
    private readonly source: PriorsSource,
    private readonly clock: Clock,
    private readonly options: CachedPriorsOptions = DEFAULT_PRIORS_CACHE,
  ) {}

  current(): Promise<LearnedPriors | undefined> {
    if (this.clock.now().getTime() < this.freshUntil) return Promise.resolve(this.value);
    // Concurrent batches share one read.
    this.reading ??= this.refresh().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async refresh(): Promise<LearnedPriors | undefined> {
    try {
      this.value = await this.source.current();
      this.freshUntil = this.clock.now().getTime() + this.options.keepMs;
    } catch (error) {
      this.freshUntil = this.clock.now().getTime() + this.options.retryMs;
      this.options.onError?.(error);
    }
    return this.value;
  }
}
