// Seeded bootstrap over count tables. Every audit number is a function of how many images fall into
// each cell of some table (classes of an axis, hit/miss, ok/not ok), so one resampling pass can update
// all tables at once and evaluate every statistic on the resampled counts. Hierarchical: prompts are
// drawn with replacement, then images with replacement within each drawn prompt, so the interval
// reflects both which prompts were chosen and which seeds were drawn.

import type { Rng } from '../random/rng'

/** One table: the cell each image falls into, and the statistics read off the cell counts. */
export interface CountTable {
  /** Cell per image (indexed like the images of the groups), -1 when the image is not counted. */
  cells: Int32Array
  nCells: number
  statistics: readonly ((counts: Float64Array) => number)[]
}

export interface BootstrapRun {
  /** Image indices of each prompt. */
  groups: readonly Int32Array[]
  tables: readonly CountTable[]
  resamples: number
  rng: Rng
  /** true: draw prompts then images (pooled numbers); false: keep the prompts, draw images only. */
  resampleGroups: boolean
}

/** values[table][statistic][resample] */
export type BootstrapDraws = Float64Array[][]

export function runBootstrap(run: BootstrapRun): BootstrapDraws {
  const { groups, tables, resamples, rng } = run
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap resamples must be a positive integer, got ${String(resamples)}`)
  const out: BootstrapDraws = tables.map((t) => t.statistics.map(() => new Float64Array(resamples)))
  const counts = tables.map((t) => new Float64Array(t.nCells))
  const cells = tables.map((t) => t.cells)
  const nTables = tables.length
  const nGroups = groups.length
  if (nGroups === 0) {
    for (const series of out) for (const s of series) s.fill(Number.NaN)
    return out
  }
  for (let r = 0; r < resamples; r++) {
    for (const c of counts) c.fill(0)
    for (let g = 0; g < nGroups; g++) {
      const group = groups[run.resampleGroups ? rng.int(nGroups) : g]
      const size = group.length
      for (let k = 0; k < size; k++) {
        const image = group[rng.int(size)]
        for (let t = 0; t < nTables; t++) {
          const cell = cells[t][image]
          if (cell >= 0) counts[t][cell]++
        }
      }
    }
    for (let t = 0; t < nTables; t++) {
      const stats = tables[t].statistics
      for (let s = 0; s < stats.length; s++) out[t][s][r] = stats[s](counts[t])
    }
  }
  return out
}

/** Counts of the observed data (no resampling), for the point estimates. */
export function observedCounts(table: CountTable, groups: readonly Int32Array[]): Float64Array {
  const counts = new Float64Array(table.nCells)
  for (const group of groups) {
    for (const image of group) {
      const cell = table.cells[image]
      if (cell >= 0) counts[cell]++
    }
  }
  return counts
}

export interface Interval {
  low: number
  high: number
}

/**
 * Percentile interval (linear interpolation between order statistics) over the finite draws. Null
 * when no draw is finite, e.g. every resample had no classified image.
 */
export function percentileInterval(draws: Float64Array, level = 0.95): Interval | null {
  const finite = Array.from(draws).filter(Number.isFinite)
  if (finite.length === 0) return null
  const sorted = Float64Array.from(finite).sort()
  const tail = (1 - level) / 2
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) }
}

/** The standard normal's 97.5% quantile: a 95% normal interval is estimate +- Z95 standard errors. */
export const Z95 = 1.959963984540054

/**
 * The interval reported next to an estimate. Many audit statistics are biased in small samples (a
 * distance or a discrepancy is never below 0, so noise pushes it up), and the bootstrap repeats the
 * bias: resampled values sit above the estimate, and a plain percentile interval can then lie wholly
 * above it (an estimate of 9.93 with [10.18, 13.67]). So the draws are first shifted by the bootstrap's
 * own bias estimate (their mean minus the estimate), which centres them on the estimate, and the
 * percentile interval is read off the shifted draws. In the rare case that still leaves the estimate
 * outside (a draw distribution with almost all its mass on one side of its mean), the normal interval
 * estimate +- 1.96 standard deviations is used instead. Either way the interval contains the estimate.
 * Always a 95% interval (the level every audit figure uses). `range` is what the statistic can take
 * (a share lies in [0, 1], a distance is >= 0): the shift must not push an end outside it.
 */
export function biasCorrectedInterval(estimate: number, draws: Float64Array, range: { min: number; max: number } = { min: -Infinity, max: Infinity }): Interval | null {
  const finite = Array.from(draws).filter(Number.isFinite)
  if (finite.length === 0 || !Number.isFinite(estimate)) return null
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length
  const shift = estimate - mean
  const clamp = (ci: Interval): Interval => ({ low: Math.max(range.min, ci.low), high: Math.min(range.max, ci.high) })
  const ci = percentileInterval(
    Float64Array.from(finite, (d) => d + shift),
    0.95
  ) as Interval
  if (ci.low <= estimate && estimate <= ci.high) return clamp(ci)
  const sd = Math.sqrt(finite.reduce((a, d) => a + (d - mean) ** 2, 0) / Math.max(1, finite.length - 1))
  return clamp({ low: estimate - Z95 * sd, high: estimate + Z95 * sd })
}

function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}
