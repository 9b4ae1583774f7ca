import { describe, expect, it } from 'vitest'
import { formatSandboxReport, runSandboxExperiment, trainSandbox } from '../../../src-main/core/engine/sandbox1d'

const PI2_REF = 0.2447284710548

describe('1-D experiment reproduces Fig. 3 (docs/methods/sandbox1d.md §Targets, β = 1, α = 0.5)', () => {
  const r = runSandboxExperiment({ beta: 1, alpha: 0.5, steps: 2000, seed: 0, grid: { lo: -12, hi: 12, points: 97 } })

  it('PopAlign balances G1/G3 while keeping G2 weight and shape', () => {
    const [p1, p2, p3] = r.popalign.summary.weights
    expect(Math.abs(p1 - p3)).toBeLessThanOrEqual(0.2)
    expect(Math.abs(p2 - PI2_REF)).toBeLessThanOrEqual(0.05)
    expect(Math.abs(r.popalign.summary.stds[1] - 1)).toBeLessThanOrEqual(0.2)
    expect(r.popalign.diverged || r.popalign.collapsed).toBe(false)
  })

  it('SFT balances G1/G3 but collapses G2', () => {
    const [p1, p2, p3] = r.sft.summary.weights
    expect(p2).toBeLessThanOrEqual(0.05)
    expect(Math.abs(p1 - p3)).toBeLessThanOrEqual(0.2)
    expect(r.g1Share.sft).toBeLessThan(r.g1Share.reference - 0.2)
  })

  it('returns densities on the grid and a readable report', () => {
    expect(r.densities.x.length).toBe(97)
    expect(r.densities.popalign.length).toBe(97)
    // G2 keeps its bump under PopAlign and loses it under SFT: compare density at x = 0.
    const mid = 48
    expect(r.densities.x[mid]).toBe(0)
    expect(r.densities.popalign[mid]).toBeGreaterThan(0.5 * r.densities.reference[mid])
    expect(r.densities.sft[mid]).toBeLessThan(0.25 * r.densities.reference[mid])
    const text = formatSandboxReport(r)
    expect(text).toMatch(/PopAlign\s+π\s+0\.\d{4}/)
    expect(text).toMatch(/SFT/)
  })
})

describe('α ablation (paper App. A.3 / F)', () => {
  it('α = 0.25 collapses the exact-likelihood model onto the unsupported G2; α = 0.5 keeps G1 and G3', () => {
    const bad = trainSandbox({ method: 'popalign', variant: 'likelihood', beta: 1, alpha: 0.25, steps: 500, seed: 0 })
    const good = trainSandbox({ method: 'popalign', variant: 'likelihood', beta: 1, alpha: 0.5, steps: 500, seed: 0 })
    expect(bad.summary.weights[1]).toBeGreaterThan(0.9)
    expect(good.summary.weights[0]).toBeGreaterThan(0.4)
    expect(good.summary.weights[2]).toBeGreaterThan(0.4)
  })

  it('rejects bad settings', () => {
    expect(() => trainSandbox({ method: 'dpo' as never })).toThrow(/unknown sandbox method/)
    expect(() => trainSandbox({ method: 'sft', steps: 0 })).toThrow(/steps must be a positive integer/)
    expect(() => trainSandbox({ method: 'popalign', alpha: 1.5 })).toThrow(/alpha/)
  })
})
