// Thin adapter over the audit's Frechet implementation (src-main/core/stats/frechet.ts + linalg.ts) for
// the engine's evaluation, which holds features flat (`count` rows of `dim` values back to back) and
// reports the squared distance (FID's d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)).

import { fitGaussian, frechetDistance as auditFrechetDistance, momentsOf, type GaussianFit } from '../stats/frechet'

/** Mean and unbiased (n - 1) covariance, row-major dim x dim (the audit's fit). */
export type FeatureGaussian = GaussianFit

/** Fits mean and (n-1) covariance to `count` rows of `dim` features stored back to back. */
export function fitFeatureGaussian(features: ArrayLike<number>, count: number, dim: number): FeatureGaussian {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`frechet: feature size must be a positive integer, got ${dim}`)
  if (!Number.isInteger(count) || count < 2) throw new Error(`frechet: need at least 2 feature vectors to fit a covariance, got ${count}`)
  if (features.length !== count * dim) throw new Error(`frechet: expected ${count} x ${dim} = ${count * dim} features, got ${features.length}`)
  const rows: Float64Array[] = []
  for (let i = 0; i < count; i++) {
    const row = new Float64Array(dim)
    for (let j = 0; j < dim; j++) {
      const v = features[i * dim + j]
      if (!Number.isFinite(v)) throw new Error(`frechet: feature ${j} of vector ${i} is ${v}`)
      row[j] = v
    }
    rows.push(row)
  }
  return fitGaussian(momentsOf(rows))
}

/** Squared Frechet distance between two fitted Gaussians (what FID reports, unsquare-rooted). */
export function frechetDistance(a: FeatureGaussian, b: FeatureGaussian): number {
  const d = auditFrechetDistance(a, b)
  return d * d
}
