/**
 * Degenerate fits of the 1-D mixture (issue 9, item 6). A fit can stay finite and still be broken:
 * a component's weight goes to 0 (its mean and σ then wander freely, unanchored by any data) or a σ
 * explodes or shrinks to a spike. The paper's App. F reports "α = 0.25 diverges"; in this sandbox
 * that shows up as such a degenerate fit, not as non-finite numbers, so the report names each one.
 */
import type { MixtureSummary } from './mixture'

export type DegeneracyKind = 'non-finite' | 'weight-vanished' | 'sigma-exploded' | 'sigma-collapsed'

export interface DegeneracyFlag {
  readonly kind: DegeneracyKind
  /** 0-based component, or null for the whole fit (non-finite). */
  readonly component: number | null
  readonly value: number
  readonly limit: number
  /** One plain sentence, e.g. "G2 weight 0.0019 < 0.01". */
  readonly text: string
}

export interface DegeneracyLimits {
  /** A weight below this has gone to 0 (default 0.01). */
  readonly minWeight: number
  /** σ above this multiple of the reference's σ has exploded (default 5). */
  readonly maxSigmaRatio: number
  /** σ below this multiple of the reference's σ has collapsed to a spike (default 0.1). */
  readonly minSigmaRatio: number
}

export const DEGENERACY_LIMITS: DegeneracyLimits = { minWeight: 0.01, maxSigmaRatio: 5, minSigmaRatio: 0.1 }

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3))

/** Every way `fit` is degenerate against `reference`; empty for a healthy fit. */
export function degeneracyFlags(fit: MixtureSummary, reference: MixtureSummary, limits: DegeneracyLimits = DEGENERACY_LIMITS): DegeneracyFlag[] {
  const all = [...fit.weights, ...fit.means, ...fit.stds]
  if (!all.every(Number.isFinite)) {
    return [{ kind: 'non-finite', component: null, value: Number.NaN, limit: Number.NaN, text: 'parameters are not finite (diverged)' }]
  }
  const flags: DegeneracyFlag[] = []
  fit.weights.forEach((w, k) => {
    const g = `G${k + 1}`
    if (w < limits.minWeight) flags.push({ kind: 'weight-vanished', component: k, value: w, limit: limits.minWeight, text: `${g} weight ${fmt(w)} < ${limits.minWeight}` })
    const ratio = fit.stds[k] / reference.stds[k]
    if (ratio > limits.maxSigmaRatio) {
      flags.push({
        kind: 'sigma-exploded',
        component: k,
        value: fit.stds[k],
        limit: limits.maxSigmaRatio * reference.stds[k],
        text: `${g} σ ${fmt(fit.stds[k])} > ${limits.maxSigmaRatio}x the reference's`
      })
    } else if (ratio < limits.minSigmaRatio) {
      flags.push({
        kind: 'sigma-collapsed',
        component: k,
        value: fit.stds[k],
        limit: limits.minSigmaRatio * reference.stds[k],
        text: `${g} σ ${fmt(fit.stds[k])} < ${limits.minSigmaRatio}x the reference's`
      })
    }
  })
  return flags
}
