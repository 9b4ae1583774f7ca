import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src-main/core/random/rng'
import { fitGaussian, frechetDistance, frechetDistanceOfFeatures, momentsOf, type GaussianFit } from '../../../src-main/core/stats/frechet'
import { identity, matmul, matmulSymmetricResult, psdSqrt, symmetricEigen, symmetricEigenvalues } from '../../../src-main/core/stats/linalg'

function fit(mean: number[], cov: number[]): GaussianFit {
  return { dim: mean.length, count: 100, mean: Float64Array.from(mean), cov: Float64Array.from(cov) }
}

function randomSpd(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n)
  rng.fillNormal(a)
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += a[i * n + k] * a[j * n + k]
  for (let i = 0; i < n; i++) out[i * n + i] += 0.1
  return out
}

describe('symmetric eigendecomposition (Jacobi)', () => {
  it('finds the eigenvalues of a hand-computed 2x2 and reconstructs a random matrix', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2)
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)])

    const n = 7
    const a = randomSpd(n, new Rng(3))
    const { values: l, vectors } = symmetricEigen(a, n)
    const v = vectors as Float64Array
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let k = 0; k < n; k++) s += v[i * n + k] * l[k] * v[j * n + k]
        expect(s).toBeCloseTo(a[i * n + j], 9)
      }
    }
  })

  it('squares back from the PSD square root', () => {
    const n = 5
    const a = randomSpd(n, new Rng(11))
    const r = psdSqrt(a, n)
    const back = matmul(r, r, n)
    for (let i = 0; i < n * n; i++) expect(back[i]).toBeCloseTo(a[i], 9)
  })

  it('Householder + QL eigenvalues agree with Jacobi, including repeated and trivial cases', () => {
    const sorted = (x: Float64Array) => Array.from(x).sort((p, q) => p - q)
    for (const [n, seed] of [
      [20, 1],
      [33, 2],
      [3, 4]
    ]) {
      const a = randomSpd(n, new Rng(seed))
      const q = sorted(symmetricEigenvalues(a, n))
      const j = sorted(symmetricEigen(a, n, false).values)
      for (let i = 0; i < n; i++) expect(q[i]).toBeCloseTo(j[i], 9)
    }
    expect(sorted(symmetricEigenvalues(identity(5), 5))).toEqual([1, 1, 1, 1, 1])
    expect(sorted(symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2))).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)])
    expect(Array.from(symmetricEigenvalues(Float64Array.of(7), 1))).toEqual([7])
    // Rank-deficient with zero rows, like the covariance of ReLU features with dead units.
    const n = 24
    const rng = new Rng(8)
    const x = rng.fillNormal(new Float64Array(n * 3))
    const low = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i % 3 && j % 3) for (let k = 0; k < 3; k++) low[i * n + j] += x[i * 3 + k] * x[j * 3 + k]
    const ql = sorted(symmetricEigenvalues(low, n))
    const jac = sorted(symmetricEigen(low, n, false).values)
    for (let i = 0; i < n; i++) expect(ql[i]).toBeCloseTo(jac[i], 9)
    // Already tridiagonal with a zero coupling (splits into blocks).
    const t = Float64Array.from([4, 1, 0, 1, 4, 0, 0, 0, 9])
    expect(sorted(symmetricEigenvalues(t, 3))).toEqual([expect.closeTo(3, 12), expect.closeTo(5, 12), expect.closeTo(9, 12)])
  })

  it('the symmetric-result product equals the full product for R S R', () => {
    const n = 9
    const r = randomSpd(n, new Rng(21))
    const s = randomSpd(n, new Rng(22))
    const full = matmul(matmul(r, s, n), r, n)
    const half = matmulSymmetricResult(matmul(r, s, n), r, n)
    for (let i = 0; i < n * n; i++) expect(half[i]).toBeCloseTo(full[i], 9)
  })

  it('rejects asymmetric or non-finite input', () => {
    expect(() => symmetricEigen(Float64Array.from([1, 2, 3, 4]), 2)).toThrow(/not symmetric at \(0, 1\)/)
    expect(() => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(/entry 1 is NaN/)
    expect(() => symmetricEigen(Float64Array.from([1, 2, 3]), 2)).toThrow(/2x2 = 4 entries/)
  })
})

describe('Frechet distance', () => {
  it('matches a hand-computed 1-D case from raw features', () => {
    // A: mean 0, var 1; B: mean 3, var 4 -> d^2 = 9 + 1 + 4 - 2*sqrt(1*4) = 10.
    const a = [[-1], [0], [1]].map((x) => Float32Array.from(x))
    const b = [[1], [3], [5]].map((x) => Float32Array.from(x))
    expect(frechetDistanceOfFeatures(a, b)).toBeCloseTo(Math.sqrt(10), 10)
  })

  it('matches the diagonal closed form', () => {
    const a = fit([1, 2], [4, 0, 0, 9])
    const b = fit([0, 0], [1, 0, 0, 16])
    // |dmu|^2 = 5; sum (sqrt a - sqrt b)^2 = (2-1)^2 + (3-4)^2 = 2.
    expect(frechetDistance(a, b)).toBeCloseTo(Math.sqrt(7), 10)
  })

  it('matches a hand-computed non-diagonal case', () => {
    // S1 = I, S2 = [[2,1],[1,2]] (eigenvalues 3, 1): d^2 = 2 + 4 - 2 (sqrt 3 + 1) = 4 - 2 sqrt 3.
    expect(frechetDistance(fit([0, 0], [1, 0, 0, 1]), fit([0, 0], [2, 1, 1, 2]))).toBeCloseTo(Math.sqrt(4 - 2 * Math.sqrt(3)), 10)
  })

  it('is zero for identical sets and symmetric for non-commuting covariances', () => {
    const rng = new Rng(5)
    const xs = Array.from({ length: 40 }, () => rng.fillNormal(new Float32Array(6)))
    const ys = Array.from({ length: 40 }, () => rng.fillNormal(new Float32Array(6), 0.5, 2))
    expect(frechetDistanceOfFeatures(xs, xs)).toBeLessThan(1e-5)
    const ab = frechetDistanceOfFeatures(xs, ys)
    expect(ab).toBeGreaterThan(1)
    expect(frechetDistanceOfFeatures(ys, xs)).toBeCloseTo(ab, 8)
  })

  it('needs two vectors of one size', () => {
    expect(() => fitGaussian(momentsOf([Float32Array.of(1, 2)]))).toThrow(/at least 2 feature vectors/)
    expect(() => momentsOf([Float32Array.of(1, 2), Float32Array.of(1)])).toThrow(/has 1 values, expected 2/)
  })
})
