import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A stream of numbers in [0, 1) that the same seed always repeats. */
export interface Random {
  next(): number;
}

/** Seeded from text (a request id, a run's seed and a purpose), so a decision or a run replays exactly. */
export function seededRandom(seed: string | number): Random {
  const generator = xoroshiro128plus(typeof seed === 'number' ? seed | 0 : hashText(seed));
  return { next: () => uniformFloat64(generator) };
}

/** FNV-1a over UTF-16 code units: small, stable and well spread for ids. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** A draw from Beta(a, b) as the ratio of two Gamma draws; `a` and `b` must be positive. */
export function sampleBeta(random: Random, a: number, b: number): number {
  const x = sampleGamma(random, a);
  const y = sampleGamma(random, b);
  return x + y > 0 ? x / (x + y) : a / (a + b);
}

/** Marsaglia and Tsang's method; shapes below 1 are boosted by one and scaled back. */
export function sampleGamma(random: Random, shape: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1) * Math.pow(openUnit(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUnit(random);
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Box–Muller; one of the pair is enough here. */
export function sampleNormal(random: Random): number {
  return Math.sqrt(-2 * Math.log(openUnit(random))) * Math.cos(2 * Math.PI * random.next());
}

/** (0, 1): a logarithm of zero would be infinite. */
function openUnit(random: Random): number {
  let u = random.next();
  while (u === 0) u = random.next();
  return u;
}
