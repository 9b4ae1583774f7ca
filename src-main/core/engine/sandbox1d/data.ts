/**
 * Preference data of the 1-D experiment (docs/methods/sandbox1d.md §Preference data): no G2 samples at all.
 * Winners: a balanced G1/G3 population ½N(μ1,σ1²) + ½N(μ3,σ3²).
 * Losers: the reference restricted to {G1, G3}, i.e. weights π1:π3 renormalised (0.8808:0.1192).
 */
import type { Rng } from '../../random/rng'
import { K, summarise } from './mixture'

export interface PreferenceData {
  readonly x: Float64Array
  /** +1 winner, −1 loser. */
  readonly labels: Float64Array
}

export function makePreferenceData(reference: Float64Array, rng: Rng, total = 1000): PreferenceData {
  if (!Number.isInteger(total) || total < 2 || total % 2 !== 0) {
    throw new Error(`preference sample count must be an even integer >= 2, got ${total}`)
  }
  const { weights, means, stds } = summarise(reference)
  const first = 0
  const last = K - 1
  const pFirst = weights[first] / (weights[first] + weights[last])
  const half = total / 2
  const x = new Float64Array(total)
  const labels = new Float64Array(total)
  for (let i = 0; i < total; i++) {
    const winner = i < half
    const useFirst = rng.uniform() < (winner ? 0.5 : pFirst)
    const k = useFirst ? first : last
    x[i] = means[k] + stds[k] * rng.normal()
    labels[i] = winner ? 1 : -1
  }
  return { x, labels }
}
