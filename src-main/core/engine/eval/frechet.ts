// The Frechet distance between Gaussians fitted to two feature sets (FID's formula, here on the shipped
// classifier's penultimate features):
//   d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)
// Matrix square roots of symmetric PSD matrices come from a Jacobi eigendecomposition, so the result is
// exact for small feature sizes (the classifier's 64) and needs no general sqrtm.

export interface FeatureGaussian {
  dim: number
  count: number
  mean: Float64Array
  /** Unbiased covariance, row-major dim x dim. */
  cov: Float64Array
}

/** Fits mean and (n-1) covariance to `count` rows of `dim` features stored back to back. */
export function fitFeatureGaussian(features: ArrayLike<number>, count: number, dim: number): FeatureGaussian {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`frechet: feature size must be a positive integer, got ${dim}`)
  if (!Number.isInteger(count) || count < 2) throw new Error(`frechet: need at least 2 feature vectors to fit a covariance, got ${count}`)
  if (features.length !== count * dim) throw new Error(`frechet: expected ${count} x ${dim} = ${count * dim} features, got ${features.length}`)
  const mean = new Float64Array(dim)
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j]
  for (let j = 0; j < dim; j++) mean[j] /= count
  const cov = new Float64Array(dim * dim)
  const centred = new Float64Array(dim)
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) {
      const v = features[i * dim + j]
      if (!Number.isFinite(v)) throw new Error(`frechet: feature ${j} of vector ${i} is ${v}`)
      centred[j] = v - mean[j]
    }
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]
      for (let b = a; b < dim; b++) cov[a * dim + b] += ca * centred[b]
    }
  }
  for (let a = 0; a < dim; a++)
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] / (count - 1)
      cov[a * dim + b] = v
      cov[b * dim + a] = v
    }
  return { dim, count, mean, cov }
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`, row-major) of a symmetric n x n matrix by cyclic
 * Jacobi rotations. Quadratic convergence; a few sweeps suffice for n <= a few hundred.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  if (matrix.length !== n * n) throw new Error(`eigen: expected a ${n}x${n} matrix, got ${matrix.length} values`)
  const a = Float64Array.from(matrix)
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (a[i * n + j] + a[j * n + i])
      a[i * n + j] = s
      a[j * n + i] = s
    }
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  let scale = 0
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i]
  const tol = 1e-24 * Math.max(scale, 1e-300)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q]
    if (off <= tol) break
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0) continue
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        // A <- J^T A J on rows/columns p and q.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]
          const vkq = v[k * n + q]
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]
  return { values, vectors: v }
}

/** Square root of a symmetric PSD matrix: V diag(sqrt(max(l, 0))) V^T (tiny negative eigenvalues are rounding). */
export function psdSqrt(matrix: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n)
  const out = new Float64Array(n * n)
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(0, values[k]))
    if (r === 0) continue
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * r
      if (vik === 0) continue
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k]
    }
  }
  return out
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]
      if (aik === 0) continue
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j]
    }
  return out
}

/** Squared Frechet distance between two fitted Gaussians (what FID reports, unsquare-rooted). */
export function frechetDistance(a: FeatureGaussian, b: FeatureGaussian): number {
  if (a.dim !== b.dim) throw new Error(`frechet: feature sizes differ (${a.dim} vs ${b.dim})`)
  const n = a.dim
  let meanTerm = 0
  for (let i = 0; i < n; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2
  let traces = 0
  for (let i = 0; i < n; i++) traces += a.cov[i * n + i] + b.cov[i * n + i]
  const rootA = psdSqrt(a.cov, n)
  const inner = matmul(matmul(rootA, b.cov, n), rootA, n)
  const { values } = symmetricEigen(inner, n)
  let crossTrace = 0
  for (const l of values) crossTrace += Math.sqrt(Math.max(0, l))
  // Rounding can push a distance of (nearly) identical sets a hair below zero.
  return Math.max(0, meanTerm + traces - 2 * crossTrace)
}
