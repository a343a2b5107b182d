import { describe, expect, it } from 'vitest';
import { CachedPriors } from '../../../functions/core/learning/cached-priors.js';
import type { LearnedPriors } from '../../../functions/core/learning/priors.js';

const PRIORS: LearnedPriors = { learnedAt: '2026-11-24T10:00:00.000Z', observations: 40, channels: { push: { rate: 0.3, weight: 40, moments: {}, preferred: {} } } };
const NEWER: LearnedPriors = { ...PRIORS, learnedAt: '2026-11-24T11:00:00.000Z' };

/** A source that answers from a script, one answer per read, and counts the reads. */
function scripted(answers: (LearnedPriors | undefined | Error)[]) {
  const source = {
    reads: 0,
    current() {
      const answer = answers[Math.min(source.reads++, answers.length - 1)];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return source;
}

function clock() {
  let now = Date.parse('2026-11-24T12:00:00Z');
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const OPTIONS = { keepMs: 300_000, retryMs: 60_000 };

describe('CachedPriors', () => {
  it('reads once, then answers from memory until the priors are due again', async () => {
    const source = scripted([PRIORS, NEWER]);
    const time = clock();
    const cached = new CachedPriors(source, time, OPTIONS);
    expect(await cached.current()).toEqual(PRIORS);
    time.advance(299_999);
    expect(await cached.current()).toEqual(PRIORS);
    expect(source.reads).toBe(1);
    time.advance(1);
    expect(await cached.current()).toEqual(NEWER);
    expect(source.reads).toBe(2);
  });

  it('shares one read among callers that ask at once', async () => {
    const source = scripted([PRIORS]);
    const cached = new CachedPriors(source, clock(), OPTIONS);
    expect(await Promise.all([cached.current(), cached.current(), cached.current()])).toEqual([PRIORS, PRIORS, PRIORS]);
    expect(source.reads).toBe(1);
  });

  it('never fails: a failed read keeps the priors read before, reports the error, and is tried again sooner', async () => {
    const source = scripted([PRIORS, new Error('throttled'), NEWER]);
    const time = clock();
    const errors: unknown[] = [];
    const cached = new CachedPriors(source, time, { ...OPTIONS, onError: (error) => errors.push(error) });
    await cached.current();
    time.advance(300_000);
    expect(await cached.current()).toEqual(PRIORS);
    expect(errors).toEqual([new Error('throttled')]);
    time.advance(59_999);
    expect(await cached.current()).toEqual(PRIORS);
    expect(source.reads).toBe(2);
    time.advance(1);
    expect(await cached.current()).toEqual(NEWER);
  });

  it('answers none when the first read fails, so the configured priors decide', async () => {
    const cached = new CachedPriors(scripted([new Error('down')]), clock(), OPTIONS);
    expect(await cached.current()).toBeUndefined();
  });
});
