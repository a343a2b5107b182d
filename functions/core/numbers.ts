/** Four decimals: what records store. Adding 0 turns -0 into 0, so records never show "-0". */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000 + 0;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** A rate as people read it in reasons: `0.183` is `18%`. */
export function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}
