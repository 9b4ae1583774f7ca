import { describe, expect, it } from 'vitest'
import { psdSqrt, symmetricEigen } from '../../src-main/core/stats/linalg'
import { fitFeatureGaussian, frechetDistance, type FeatureGaussian } from '../../src-main/core/evaluation/frechet'

const gaussian = (mean: number[], cov: number[]): FeatureGaussian => ({ dim: mean.length, count: 100, mean: Float64Array.from(mean), cov: Float64Array.from(cov) })

describe('fitFeatureGaussian', () => {
  it('computes the mean and the unbiased covariance', () => {
    // Rows (0,0), (2,2), (4,-2): mean (2, 0); var x = 4, var y = 4, cov = (-2*0 + 0*2 + 2*-2)/2 = -2.
    const g = fitFeatureGaussian([0, 0, 2, 2, 4, -2], 3, 2)
    expect([...g.mean]).toEqual([2, 0])
    expect([...g.cov]).toEqual([4, -2, -2, 4])
  })

  it('names bad input', () => {
    expect(() => fitFeatureGaussian([1, 2, 3], 2, 2)).toThrow(/expected 2 x 2/)
    expect(() => fitFeatureGaussian([1, 2], 1, 2)).toThrow(/at least 2/)
    expect(() => fitFeatureGaussian([1, NaN, 3, 4], 2, 2)).toThrow(/is NaN/)
  })
})

describe('matrix square root', () => {
  it('diagonalises a symmetric matrix', () => {
    const { values } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2)
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)])
  })

  it('squares back to the input for a random SPD matrix', () => {
    const n = 6
    const b = Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7 + 0.3))
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k]
    const r = psdSqrt(a, n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let k = 0; k < n; k++) s += r[i * n + k] * r[k * n + j]
        expect(s).toBeCloseTo(a[i * n + j], 9)
      }
  })
})

describe('frechetDistance', () => {
  it('is zero for the same Gaussian', () => {
    const g = gaussian([1, -2], [2, 0.5, 0.5, 1])
    expect(frechetDistance(g, g)).toBeCloseTo(0, 9)
  })

  it('matches the 1-D closed form (mu1-mu2)^2 + (s1-s2)^2', () => {
    // var 2 vs var 8: 1 + 2 + 8 - 2*sqrt(16) = 3
    expect(frechetDistance(gaussian([1], [2]), gaussian([2], [8]))).toBeCloseTo(3, 12)
  })

  it('is the squared mean shift for equal covariances', () => {
    const cov = [3, 1, 0, 1, 2, 0.5, 0, 0.5, 1]
    expect(frechetDistance(gaussian([0, 0, 0], cov), gaussian([1, 2, -2], cov))).toBeCloseTo(9, 9)
  })

  it('handles non-commuting covariances: I vs [[2,1],[1,2]] gives 6 - 2(sqrt 3 + 1)', () => {
    const expected = 2 + 4 - 2 * (Math.sqrt(3) + 1)
    expect(frechetDistance(gaussian([0, 0], [1, 0, 0, 1]), gaussian([0, 0], [2, 1, 1, 2]))).toBeCloseTo(expected, 10)
    const a = gaussian([0, 1], [1, 0.3, 0.3, 0.5])
    const b = gaussian([1, 0], [2, -0.7, -0.7, 1])
    expect(frechetDistance(a, b)).toBeCloseTo(frechetDistance(b, a), 10)
  })

  it('handles rank-deficient covariances (fewer samples than features)', () => {
    const g = fitFeatureGaussian([1, 2, 3, 4, 2, 3, 4, 5], 2, 4)
    expect(frechetDistance(g, g)).toBeCloseTo(0, 8)
  })

  it('refuses different feature sizes', () => {
    expect(() => frechetDistance(gaussian([0], [1]), gaussian([0, 0], [1, 0, 0, 1]))).toThrow(/feature sizes differ/)
  })
})
