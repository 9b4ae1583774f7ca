// Inter-annotator agreement on nominal answers (a / b / tie) per set pair: percent agreement and
// Krippendorff's alpha (nominal), with a bootstrap interval over pairs. A "unit" is one pair's list
// of answers; units with fewer than two answers carry no information about agreement and are left
// out, as Krippendorff prescribes. (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011.)
import { percentileInterval, type Interval } from './bootstrap'

export type Unit = readonly string[]

const pairable = (units: readonly Unit[]): Unit[] => units.filter((u) => u.length >= 2)

function valueCounts(unit: Unit): Map<string, number> {
  const counts = new Map<string, number>()
  for (const v of unit) counts.set(v, (counts.get(v) ?? 0) + 1)
  return counts
}

/** Mean over units of the share of agreeing ordered pairs of answers; null without a pairable unit. */
export function percentAgreement(units: readonly Unit[]): number | null {
  const usable = pairable(units)
  if (usable.length === 0) return null
  let sum = 0
  for (const unit of usable) {
    const m = unit.length
    let agreeing = 0
    for (const n of valueCounts(unit).values()) agreeing += n * (n - 1)
    sum += agreeing / (m * (m - 1))
  }
  return sum / usable.length
}

/**
 * Krippendorff's alpha for nominal data: 1 - (n - 1) * D_o / D_e over the coincidence matrix, where
 * D_o sums the off-diagonal coincidences and D_e sums n_c * n_k over c != k. Null when the answers
 * show no variation at all (D_e = 0): alpha is undefined there, not 1.
 */
export function krippendorffAlphaNominal(units: readonly Unit[]): number | null {
  const usable = pairable(units)
  // o_cc (agreeing coincidences) and n_c (marginals) are all the nominal formula needs.
  const diagonal = new Map<string, number>()
  const marginal = new Map<string, number>()
  let n = 0
  for (const unit of usable) {
    const m = unit.length
    for (const [value, count] of valueCounts(unit)) {
      diagonal.set(value, (diagonal.get(value) ?? 0) + (count * (count - 1)) / (m - 1))
      marginal.set(value, (marginal.get(value) ?? 0) + count)
    }
    n += m
  }
  if (n < 2) return null
  let agreeing = 0
  for (const o of diagonal.values()) agreeing += o
  let squares = 0
  for (const nc of marginal.values()) squares += nc * nc
  const observedDisagreement = n - agreeing // sum of o_ck over c != k
  const expectedDisagreement = n * n - squares // sum of n_c * n_k over c != k
  if (expectedDisagreement === 0) return null
  return 1 - ((n - 1) * observedDisagreement) / expectedDisagreement
}

/** Percentile bootstrap interval of alpha, resampling pairable units with replacement. */
export function bootstrapAlpha(units: readonly Unit[], resamples: number, random: () => number, level = 0.95): Interval | null {
  const usable = pairable(units)
  if (usable.length < 2 || resamples < 1) return null
  const draws = new Float64Array(resamples)
  const sample: Unit[] = new Array<Unit>(usable.length)
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < usable.length; i++) sample[i] = usable[Math.floor(random() * usable.length)]
    draws[b] = krippendorffAlphaNominal(sample) ?? Number.NaN
  }
  return percentileInterval(draws, level)
}
