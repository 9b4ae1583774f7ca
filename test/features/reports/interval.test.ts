// Intervals of biased statistics: the reported interval always contains its estimate and still covers
// the true value about as often as a 95% interval should.
import { describe, expect, it } from 'vitest'
import { biasCorrectedInterval, percentileInterval } from '../../../src-main/core/stats/bootstrap'
import { Rng } from '../../../src-main/core/random/rng'

/** The plug-in squared mean: biased upward by sigma^2 / n, like every distance estimated from a sample. */
function squaredMean(x: Float64Array): number {
  let s = 0
  for (const v of x) s += v
  return (s / x.length) ** 2
}

function bootstrapDraws(x: Float64Array, resamples: number, rng: Rng): Float64Array {
  const draws = new Float64Array(resamples)
  const y = new Float64Array(x.length)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < x.length; i++) y[i] = x[rng.int(x.length)]
    draws[r] = squaredMean(y)
  }
  return draws
}

describe('bias-corrected bootstrap interval', () => {
  it('always contains its estimate and covers the true value of a biased statistic about 95% of the time', () => {
    const rng = new Rng(11)
    const truth = 0.25 // mean 0.5 squared
    const n = 15
    let covered = 0
    let containsEstimate = 0
    let plainMisses = 0
    const trials = 400
    for (let t = 0; t < trials; t++) {
      const x = Float64Array.from({ length: n }, () => 0.5 + rng.normal())
      const est = squaredMean(x)
      const draws = bootstrapDraws(x, 300, rng)
      const ci = biasCorrectedInterval(est, draws, { min: 0, max: Infinity }) as { low: number; high: number }
      if (ci.low <= est && est <= ci.high) containsEstimate++
      if (ci.low <= truth && truth <= ci.high) covered++
      const plain = percentileInterval(draws) as { low: number; high: number }
      if (est < plain.low || est > plain.high) plainMisses++
    }
    expect(containsEstimate).toBe(trials)
    expect(covered / trials).toBeGreaterThan(0.88)
    // The plain percentile interval does leave its own estimate out here (the failure this replaces).
    expect(plainMisses).toBeGreaterThan(0)
  })

  it('falls back to a normal interval when the shifted draws still leave the estimate out, and keeps to the range', () => {
    // 99 draws at 0 and one far out: the mean lies beyond the 97.5% quantile.
    const draws = Float64Array.from({ length: 100 }, (_, i) => (i === 99 ? 1000 : 0))
    const ci = biasCorrectedInterval(0, draws, { min: 0, max: Infinity }) as { low: number; high: number }
    expect(ci.low).toBe(0)
    expect(ci.high).toBeGreaterThan(0)
    const share = biasCorrectedInterval(1, Float64Array.from([0.9, 0.95, 1, 1, 1]), { min: 0, max: 1 }) as { low: number; high: number }
    expect(share.high).toBe(1)
    expect(share.low).toBeLessThanOrEqual(1)
    expect(biasCorrectedInterval(0.5, Float64Array.from([NaN, NaN]))).toBeNull()
  })
})
