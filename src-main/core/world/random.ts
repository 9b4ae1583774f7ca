// Small sampling helpers over the engine's seedable generator, so every draw the world makes comes
// from one reproducible stream (src-main/core/engine/rng.ts).

import type { Rng } from '../engine/rng'

export function uniformIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform()
}

/** Index drawn from a discrete distribution (weights need not sum to 1). */
export function sampleCategorical(rng: Rng, weights: readonly number[]): number {
  let total = 0
  for (const w of weights) total += w
  if (!(total > 0)) throw new Error('categorical weights must have a positive sum')
  let r = rng.uniform() * total
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]
    if (r < 0) return i
  }
  return weights.length - 1
}
