import { describe, expect, it } from 'vitest'
import { betasFor, lossWeights, makeSchedule, parseLossWeighting, parseScheduleKind } from '../../../src-main/core/engine/diffusion'

/** Relative closeness, the tolerance of docs/methods/diffusion.md §Check values for schedule quantities is 1e-9. */
function expectRel(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected))
}

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length

describe('linear schedule (docs/methods/diffusion.md §Check values)', () => {
  const s = makeSchedule('linear')
  // t, ᾱ, SNR, 1/√SNR, 1/SNR, Min-SNR-5, P2 — the last three are given to ~6 digits in the doc.
  const rows: [number, number, number, number, number, number, number][] = [
    [0, 0.9999, 9999, 0.01000050004, 1.0001e-4, 5.0005e-4, 1.0e-4],
    [1, 0.9997800921, 4546.357657, 0.01483092371, 2.19956e-4, 1.09978e-3, 2.19908e-4],
    [9, 0.9981052048, 526.7615188, 0.04357054371, 1.89839e-3, 9.49196e-3, 1.8948e-3],
    [99, 0.8970181457, 8.710448569, 0.338828349, 0.114805, 0.574023, 0.102982],
    [249, 0.5240853738, 1.101217204, 0.9529355002, 0.908086, 1, 0.475915],
    [499, 0.07858724288, 0.08528994446, 3.424136619, 11.7247, 1, 0.921413],
    [749, 0.003350550439, 0.003361814368, 17.24698301, 297.458, 1, 0.996649],
    [999, 4.035829765e-5, 4.035992651e-5, 157.4072808, 24777.1, 1, 0.99996]
  ]
  const debias = lossWeights('debias', s)
  const x0 = lossWeights('x0', s)
  const minSnr = lossWeights('min_snr', s)
  const p2 = lossWeights('p2', s)
  it.each(rows)('t=%i', (t, ab, snr, w, inv, ms, pp) => {
    expectRel(s.alphasCumprod[t], ab, 1e-9)
    expectRel(s.snr[t], snr, 1e-9)
    expectRel(debias[t], w, 1e-9)
    expectRel(x0[t], inv, 1e-5)
    expectRel(minSnr[t], ms, 1e-5)
    expectRel(p2[t], pp, 1e-5)
    expectRel(s.logSnr[t], Math.log(s.snr[t]), 1e-12)
  })

  it('has β_499 = 0.01004004004, ends at 1e-4 and 0.02, and mean weights as documented', () => {
    expectRel(s.betas[499], 0.01004004004, 1e-9)
    expect(s.betas[0]).toBe(1e-4)
    expect(s.betas[999]).toBe(0.02)
    expectRel(mean(debias), 17.81705587, 1e-9)
    expectRel(mean(minSnr), 0.913073, 1e-6)
    expect(lossWeights('constant', s).every((v) => v === 1)).toBe(true)
  })

  it('SNR decreases strictly and first drops below 1 at t = 259', () => {
    for (let t = 1; t < s.T; t++) expect(s.snr[t]).toBeLessThan(s.snr[t - 1])
    expectRel(s.snr[258], 1.000979, 1e-6)
    expectRel(s.snr[259], 0.990501, 1e-6)
    expect(Array.from(s.snr).findIndex((v) => v < 1)).toBe(259)
  })

  it('the optional SNR cap reproduces the kohya-clamped values', () => {
    const w = lossWeights('debias', s, { maxSnr: 1000 })
    expectRel(w[0], 0.0316228, 1e-6)
    expectRel(w[9], 0.0435705, 1e-5)
  })
})

describe('cosine schedule (docs/methods/diffusion.md §Check values)', () => {
  const s = makeSchedule('cosine')
  const rows: [number, number, number, number][] = [
    [0, 0.9999587158, 24221.32716, 0.006425412771],
    [99, 0.9720927371, 34.83296592, 0.169435642],
    [249, 0.8470121613, 5.536467269, 0.424994815],
    [499, 0.4938435904, 0.9756738848, 1.012389564],
    [749, 0.1442721024, 0.1685957683, 2.435435684],
    [999, 2.428766907e-9, 2.428766913e-9, 20291.16961]
  ]
  const w = lossWeights('debias', s)
  it.each(rows)('t=%i', (t, ab, snr, inv) => {
    expectRel(s.alphasCumprod[t], ab, 1e-8)
    expectRel(s.snr[t], snr, 1e-8)
    expectRel(w[t], inv, 1e-8)
  })
  it('β_0, the 0.999 clip and the mean Debias weight', () => {
    expectRel(s.betas[0], 4.12842e-5, 1e-5)
    expect(s.betas[999]).toBe(0.999)
    expectRel(mean(w), 24.80906713, 1e-8)
  })
})

describe('scaled_linear schedule (docs/methods/diffusion.md §Check values)', () => {
  const s = makeSchedule('scaled_linear')
  const rows: [number, number, number, number][] = [
    [0, 0.99915, 1175.470588, 0.02916715815],
    [99, 0.8954627735, 8.565970262, 0.3416738323],
    [249, 0.6754324137, 2.081022389, 0.6932048996],
    [499, 0.2776696505, 0.3844081183, 1.612886194],
    [749, 0.0566234916, 0.06002215562, 4.081729364],
    [999, 0.004660098513, 0.004681916706, 14.61464123]
  ]
  const w = lossWeights('debias', s)
  it.each(rows)('t=%i', (t, ab, snr, inv) => {
    expectRel(s.alphasCumprod[t], ab, 1e-9)
    expectRel(s.snr[t], snr, 1e-9)
    expectRel(w[t], inv, 1e-9)
  })
})

describe('invariants and bad input', () => {
  it('Debias weight x ε-MSE equals √SNR x x0-MSE at every t (docs/methods/debias-weighting.md §Check values)', () => {
    const s = makeSchedule('linear')
    const w = lossWeights('debias', s)
    for (let t = 0; t < s.T; t += 37) {
      // ‖x0 − x̂0‖² = ‖ε − ε̂‖² / SNR, so take an ε-error of 1.
      const x0Err = 1 / s.snr[t]
      expectRel(w[t] * 1, Math.sqrt(s.snr[t]) * x0Err, 1e-12)
    }
  })

  it('rejects unknown names and bad options with clear errors', () => {
    expect(() => parseScheduleKind('quadratic')).toThrow(/unknown noise schedule/)
    expect(() => parseLossWeighting('huber')).toThrow(/unknown loss weighting/)
    expect(() => betasFor('linear', 1)).toThrow(/steps >= 2/)
    expect(() => lossWeights('min_snr', makeSchedule('linear', 100), { minSnrGamma: 0 })).toThrow(/minSnrGamma/)
    expect(() => betasFor('linear', 10)).not.toThrow()
    expect(() => makeSchedule('linear', 10)).toThrow(/outside \(0, 1\)/)
    expect(parseScheduleKind('cosine')).toBe('cosine')
  })
})
