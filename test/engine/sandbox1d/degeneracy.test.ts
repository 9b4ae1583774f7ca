import { describe, expect, it } from 'vitest'
import { degeneracyFlags, formatAlphaCheck, formatSandboxReport, makeParams, referenceParams, runAlphaCheck, runSandboxExperiment, summarise } from '../../../src-main/core/engine/sandbox1d'

const ref = summarise(referenceParams())
const fit = (w: number[], mu: number[], sd: number[]) => summarise(makeParams(w.map(Math.log), mu, sd))

describe('degenerate-fit flags (issue 9, item 6)', () => {
  it('do not fire on a healthy fit (the reference, a balanced PopAlign-like fit)', () => {
    expect(degeneracyFlags(ref, ref)).toEqual([])
    expect(degeneracyFlags(fit([0.42, 0.26, 0.32], [-6.8, 0.1, 7.1], [1.01, 0.99, 0.99]), ref)).toEqual([])
  })

  it('fire on a vanished weight, an exploded σ, a collapsed σ and non-finite parameters', () => {
    const kinds = (s: ReturnType<typeof summarise>) => degeneracyFlags(s, ref).map((f) => `${f.kind}:${f.component}`)
    expect(kinds(fit([0.5, 0.002, 0.498], [-7, 0, 7], [1, 1, 1]))).toEqual(['weight-vanished:1'])
    expect(kinds(fit([0.4, 0.3, 0.3], [-7, 0, 7], [1, 6.2, 1]))).toEqual(['sigma-exploded:1'])
    expect(kinds(fit([0.4, 0.3, 0.3], [-7, 0, 7], [1, 0.03, 1]))).toEqual(['sigma-collapsed:1'])
    expect(kinds({ weights: [NaN, 0.5, 0.5], means: [-7, 0, 7], stds: [1, 1, 1] })).toEqual(['non-finite:null'])
    const [f] = degeneracyFlags(fit([0.5, 0.002, 0.498], [-7, 0, 7], [1, 1, 1]), ref)
    expect(f.text).toBe('G2 weight 0.00200 < 0.01')
  })

  it('a trained degenerate fit is flagged in the report; a trained healthy one is not', () => {
    const bad = runSandboxExperiment({ variant: 'likelihood', alpha: 0.25, steps: 500, seed: 0, grid: { lo: -1, hi: 1, points: 3 } })
    expect(bad.popalign.diverged).toBe(false) // finite numbers, yet broken: only the flags catch it
    expect(bad.popalign.flags.map((f) => f.kind)).toContain('weight-vanished')
    const good = runSandboxExperiment({ variant: 'diffusion', alpha: 0.5, steps: 400, seed: 0, grid: { lo: -1, hi: 1, points: 3 } })
    expect(good.popalign.flags).toEqual([])
    expect(formatSandboxReport(bad)).toMatch(/PopAlign .*DEGENERATE: G1 weight/)
    const text = formatSandboxReport(good)
    expect(text).toMatch(/PopAlign .*healthy/)
    expect(text).not.toMatch(/PopAlign .*DEGENERATE/)
  })

  it('the α check says plainly where α = 0.25 breaks down', () => {
    const r = runAlphaCheck({ alpha: 0.25, steps: 500, seeds: [0] })
    expect(r.degenerate).toEqual({ diffusion: 0, likelihood: 1 })
    expect(r.verdict).toMatch(/only in the likelihood variant, not in the default diffusion variant/)
    expect(formatAlphaCheck(r)).toContain(r.verdict)
  })
})

describe('sandbox1d command line', () => {
  it('parses --alpha-check and --seeds', async () => {
    const { parseSandboxArgs } = await import('../../../src-main/core/engine/sandbox1d')
    expect(parseSandboxArgs(['--alpha-check', '--seeds', '0,3', '--steps', '100'])).toMatchObject({ alphaCheck: true, seeds: [0, 3], steps: 100 })
    expect(() => parseSandboxArgs(['--seeds', '1,x'])).toThrow(/--seeds/)
  })
})
