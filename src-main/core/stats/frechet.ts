// Frechet distance between two Gaussians fitted to feature sets (the FID formula on the built-in
// classifier's features):  d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2).
// The trace of the matrix square root is the sum of sqrt(eigenvalues) of the symmetric PSD matrix
// S1^1/2 S2 S1^1/2, so only one extra eigendecomposition is needed per distance.

import { matmul, matmulSymmetricResult, psdSqrt, symmetricEigenvalues } from './linalg'

export interface GaussianFit {
  dim: number
  count: number
  mean: Float64Array
  /** Unbiased (n - 1) covariance, row-major dim x dim. */
  cov: Float64Array
}

/** Accumulated first and second moments; sums of several can be combined (prompt-level bootstrap). */
export interface FeatureMoments {
  dim: number
  /** Total weight (number of images, with multiplicity). */
  count: number
  sum: Float64Array
  /** Upper and lower triangle both filled, row-major. */
  outer: Float64Array
}

export function emptyMoments(dim: number): FeatureMoments {
  return { dim, count: 0, sum: new Float64Array(dim), outer: new Float64Array(dim * dim) }
}

/** Adds `weight` copies of one feature vector. */
export function addToMoments(m: FeatureMoments, x: ArrayLike<number>, weight = 1): void {
  const d = m.dim
  if (x.length !== d) throw new Error(`feature vector has ${x.length} values, expected ${d}`)
  m.count += weight
  for (let i = 0; i < d; i++) {
    const xi = x[i] * weight
    m.sum[i] += xi
    const row = i * d
    for (let j = i; j < d; j++) m.outer[row + j] += xi * x[j]
  }
}

/** Adds `weight` copies of another moment set (mirrors the upper triangle on fit). */
export function addMoments(into: FeatureMoments, from: FeatureMoments, weight = 1): void {
  if (into.dim !== from.dim) throw new Error(`feature sizes differ: ${into.dim} vs ${from.dim}`)
  into.count += from.count * weight
  for (let i = 0; i < from.sum.length; i++) into.sum[i] += from.sum[i] * weight
  for (let i = 0; i < from.outer.length; i++) into.outer[i] += from.outer[i] * weight
}

export function momentsOf(features: readonly ArrayLike<number>[]): FeatureMoments {
  if (features.length === 0) throw new Error('no feature vectors')
  const m = emptyMoments(features[0].length)
  for (const x of features) addToMoments(m, x)
  return m
}

/** Mean and unbiased covariance from moments (upper triangle accumulated, mirrored here). */
export function fitGaussian(m: FeatureMoments): GaussianFit {
  const d = m.dim
  if (m.count < 2) throw new Error(`a covariance needs at least 2 feature vectors, got ${m.count}`)
  const mean = new Float64Array(d)
  for (let i = 0; i < d; i++) mean[i] = m.sum[i] / m.count
  const cov = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const c = (m.outer[i * d + j] - m.count * mean[i] * mean[j]) / (m.count - 1)
      cov[i * d + j] = c
      cov[j * d + i] = c
    }
  }
  return { dim: d, count: m.count, mean, cov }
}

/** A fitted reference with its covariance root computed once, for many distances against it. */
export interface PreparedReference {
  fit: GaussianFit
  covSqrt: Float64Array
  covTrace: number
}

export function prepareReference(fit: GaussianFit): PreparedReference {
  let covTrace = 0
  for (let i = 0; i < fit.dim; i++) covTrace += fit.cov[i * fit.dim + i]
  return { fit, covSqrt: psdSqrt(fit.cov, fit.dim), covTrace }
}

/** Frechet distance (not squared) between a prepared reference and another fit. */
export function frechetToReference(ref: PreparedReference, other: GaussianFit): number {
  const d = ref.fit.dim
  if (other.dim !== d) throw new Error(`feature sizes differ: reference ${d}, other ${other.dim}`)
  let meanTerm = 0
  let otherTrace = 0
  for (let i = 0; i < d; i++) {
    const diff = ref.fit.mean[i] - other.mean[i]
    meanTerm += diff * diff
    otherTrace += other.cov[i * d + i]
  }
  const inner = matmulSymmetricResult(matmul(ref.covSqrt, other.cov, d), ref.covSqrt, d)
  const values = symmetricEigenvalues(inner, d)
  let traceRoot = 0
  for (const lambda of values) traceRoot += Math.sqrt(Math.max(0, lambda))
  // Rounding can push a distance of ~0 slightly negative; the true value is >= 0.
  return Math.sqrt(Math.max(0, meanTerm + ref.covTrace + otherTrace - 2 * traceRoot))
}

/** Frechet distance between two fitted Gaussians. */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  return frechetToReference(prepareReference(a), b)
}

/** Frechet distance between two sets of feature vectors. */
export function frechetDistanceOfFeatures(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  return frechetDistance(fitGaussian(momentsOf(a)), fitGaussian(momentsOf(b)))
}
