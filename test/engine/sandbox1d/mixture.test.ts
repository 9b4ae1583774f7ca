import { describe, expect, it } from 'vitest'
import {
  K,
  MixtureEvaluator,
  densityOnGrid,
  likelihoodPopAlign,
  likelihoodSft,
  logDensity,
  makeParams,
  makePreferenceData,
  noisedEps,
  referenceParams,
  summarise,
  parseSandboxArgs
} from '../../../src-main/core/engine/sandbox1d'
import { Rng } from '../../../src-main/core/random/rng'

function expectRel(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs)
}

const ref = referenceParams()

describe('reference mixture (docs/methods/sandbox1d.md §Check values)', () => {
  it('π_ref = softmax(1, 0, −1) and the G1 share of G1+G3', () => {
    const w = summarise(ref).weights
    ;[0.6652409557748, 0.2447284710548, 0.0900305731704].forEach((v, k) => expectRel(w[k], v, 1e-12))
    expectRel(w[0] / (w[0] + w[2]), 0.880797078, 1e-9)
  })

  it.each([
    [-7, -1.3265444976],
    [0, -2.3265444976],
    [7, -3.3265444976],
    [3.5, -8.1382828101],
    [-7.2, -1.3465444976],
    [6.8, -3.3465444974],
    [-6.9, -1.3315444976],
    [-7.5, -1.4515444976]
  ])('log p_ref(%d)', (x, lp) => expectRel(logDensity(ref, x), lp, 1e-10))

  it('densities integrate to 1 on a wide grid', () => {
    const { x, p } = densityOnGrid(ref, -15, 15, 3001)
    const dx = x[1] - x[0]
    expectRel(p.reduce((s, v) => s + v, 0) * dx, 1, 1e-6)
    expect(() => densityOnGrid(ref, 1, 0, 10)).toThrow(/hi > lo/)
  })
})

describe('exact-likelihood PopAlign and SFT (docs/methods/sandbox1d.md §Check values)', () => {
  const theta = makeParams([1, 0, 0], [-7, 0, 7], [1, 1, 1])
  const x = [-7.2, 6.8, -6.9, -7.5]
  const y = [1, 1, -1, -1]

  it('loss 0.6364800925 and the documented gradient', () => {
    const w = summarise(theta).weights
    ;[0.576117, 0.211942, 0.211942].forEach((v, k) => expectRel(w[k], v, 1e-5))
    const res = likelihoodPopAlign(theta, ref, x, y, { beta: 0.5, alpha: 0.5 })
    expectRel(res.loss, 0.6364800925, 1e-9)
    const expected = [0.0508657285, 2.54733e-5, -0.0508912017, -0.010159297, 0, 0.010183335, -0.0382168365, 0, 0.048880008]
    expected.forEach((v, i) => expectRel(res.grad[i], v, 1e-6, 1e-9))
  })

  it('log 2 at the reference; SFT loss 2.3465444975 for winners {−7.2, 6.8}', () => {
    expect(likelihoodPopAlign(ref, ref, x, y, { beta: 0.5, alpha: 0.5 }).loss).toBeCloseTo(Math.log(2), 12)
    expectRel(likelihoodSft(ref, x, y).loss, 2.3465444975, 1e-9)
  })

  it('∂ log p/∂θ matches central finite differences', () => {
    const theta2 = makeParams([0.3, -0.2, 0.5], [-6, 0.5, 6.5], [1.3, 0.7, 0.9])
    for (const xv of [-6.3, 0.2, 5.9, 2.5]) {
      const g = new Float64Array(3 * K)
      new MixtureEvaluator(theta2).addLogDensityGrad(xv, 1, g)
      for (let i = 0; i < 3 * K; i++) {
        const up = Float64Array.from(theta2)
        const dn = Float64Array.from(theta2)
        up[i] += 1e-6
        dn[i] -= 1e-6
        expectRel(g[i], (logDensity(up, xv) - logDensity(dn, xv)) / 2e-6, 1e-5, 1e-9)
      }
    }
  })
})

describe('diffusion-style ε-prediction of the noised mixture (docs/methods/sandbox1d.md §Variants)', () => {
  it('optimal ε of the reference at ᾱ = 0.5', () => {
    expectRel(noisedEps(ref, 1.0, 0.5), 0.7062377305, 1e-9)
    expectRel(noisedEps(ref, -4.95, 0.5), -0.00018472038, 1e-6)
  })

  it('∂ε_θ/∂θ matches central finite differences', () => {
    const theta = makeParams([0.3, -0.2, 0.5], [-6, 0.5, 6.5], [1.3, 0.7, 0.9])
    for (const [xt, ab] of [
      [-3.1, 0.3],
      [0.4, 0.9],
      [2.2, 0.05],
      [5.5, 0.999]
    ]) {
      const g = new Float64Array(3 * K)
      noisedEps(theta, xt, ab, 1, g)
      for (let i = 0; i < 3 * K; i++) {
        const up = Float64Array.from(theta)
        const dn = Float64Array.from(theta)
        up[i] += 1e-6
        dn[i] -= 1e-6
        const fd = (noisedEps(up, xt, ab) - noisedEps(dn, xt, ab)) / 2e-6
        expectRel(g[i], fd, 1e-5, 1e-9)
      }
    }
  })
})

describe('preference data and CLI arguments', () => {
  it('has 500 balanced winners and 500 reference losers without G2', () => {
    const d = makePreferenceData(ref, new Rng(4))
    let winG1 = 0
    let loseG1 = 0
    let nearG2 = 0
    for (let i = 0; i < d.x.length; i++) {
      if (Math.abs(d.x[i]) < 3) nearG2++
      if (d.x[i] < 0) {
        if (d.labels[i] === 1) winG1++
        else loseG1++
      }
    }
    expect(d.labels.filter((v) => v === 1).length).toBe(500)
    expect(nearG2).toBe(0)
    expect(Math.abs(winG1 / 500 - 0.5)).toBeLessThan(0.07)
    expect(Math.abs(loseG1 / 500 - 0.8808)).toBeLessThan(0.05)
    expect(() => makePreferenceData(ref, new Rng(1), 7)).toThrow(/even integer/)
  })

  it('parses flags and rejects bad ones', () => {
    expect(parseSandboxArgs(['--beta', '2', '--alpha', '0.25', '--steps', '10', '--seed', '3'])).toMatchObject({
      beta: 2,
      alpha: 0.25,
      steps: 10,
      seed: 3,
      json: false
    })
    expect(parseSandboxArgs(['--variant', 'likelihood', '--json'])).toMatchObject({ variant: 'likelihood', json: true })
    expect(() => parseSandboxArgs(['--beta', 'x'])).toThrow(/--beta must be a number/)
    expect(() => parseSandboxArgs(['--gamma', '1'])).toThrow(/unknown option "--gamma"/)
    expect(() => parseSandboxArgs(['--steps'])).toThrow(/needs a value/)
    expect(() => parseSandboxArgs(['--variant', 'exact'])).toThrow(/diffusion or likelihood/)
  })
})
