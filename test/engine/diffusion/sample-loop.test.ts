import { describe, expect, it } from 'vitest'
import { makeSchedule, sampleLoop, type Denoiser, type SampleLoopOptions } from '../../../src-main/core/engine/diffusion'

const schedule = makeSchedule('linear')
const DATA_STD = 0.5

/**
 * Exact ε-prediction for data x0 ~ N(m, s²) elementwise, where m is the sample's condition value:
 * x_t ~ N(√ᾱ m, ᾱ s² + 1 − ᾱ) and E[ε | x_t] = √(1−ᾱ)(x_t − √ᾱ m)/(ᾱ s² + 1 − ᾱ).
 * Uses the ORIGINAL timestep it is given, so it also checks the loop's timestep mapping.
 */
function gaussianOracle(calls: number[]): Denoiser {
  return async (x, t, cond, batch) => {
    calls.push(batch)
    const size = x.length / batch
    const out = new Float32Array(x.length)
    for (let i = 0; i < batch; i++) {
      const ab = schedule.alphasCumprod[t[i]]
      const m = cond[i]
      const varT = ab * DATA_STD * DATA_STD + 1 - ab
      for (let k = i * size; k < (i + 1) * size; k++) {
        out[k] = (Math.sqrt(1 - ab) * (x[k] - Math.sqrt(ab) * m)) / varT
      }
    }
    return out
  }
}

function moments(a: Float32Array): { mean: number; std: number } {
  let m = 0
  for (const v of a) m += v
  m /= a.length
  let v2 = 0
  for (const v of a) v2 += (v - m) ** 2
  return { mean: m, std: Math.sqrt(v2 / a.length) }
}

function options(over: Partial<SampleLoopOptions>, calls: number[] = []): SampleLoopOptions {
  const batch = over.batch ?? 4
  return {
    denoise: gaussianOracle(calls),
    schedule,
    sampler: 'ddim',
    steps: 50,
    eta: 0,
    guidance: 1,
    cond: new Float32Array(batch).fill(0.3),
    nullCond: Float32Array.of(0),
    batch,
    sampleSize: 2500,
    seed: 11,
    clipX0: false,
    ...over
  }
}

describe('sampleLoop with an oracle denoiser recovers the data distribution', () => {
  // Coarse step counts shrink the spread a little (discretisation: DDIM-50 gives ~0.47 for 0.5);
  // the error vanishes as steps grow, so the tolerance tightens with the step count.
  it.each([
    ['ddim', 200, 0, 0.03],
    ['ddim', 200, 1, 0.05],
    ['ddpm', 1000, 0, 0.035]
  ] as const)('%s, %i steps, eta %d', async (sampler, steps, eta, tol) => {
    const x = await sampleLoop(options({ sampler, steps, eta }))
    const { mean, std } = moments(x)
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.02)
    expect(Math.abs(std - DATA_STD) / DATA_STD).toBeLessThan(tol)
  })
})

describe('sampleLoop guidance, determinism, progress and errors', () => {
  it('w = 1 makes one call of B per step; w ≠ 1 one call of 2B and extrapolates the mean', async () => {
    const calls1: number[] = []
    const x1 = await sampleLoop(options({ steps: 20, batch: 2, cond: Float32Array.of(0.3, -0.2) }, calls1))
    expect(calls1).toEqual(new Array(20).fill(2))
    expect(Math.abs(moments(x1.subarray(0, 2500)).mean - 0.3)).toBeLessThan(0.03)
    expect(Math.abs(moments(x1.subarray(2500)).mean + 0.2)).toBeLessThan(0.03)
    const calls2: number[] = []
    const x2 = await sampleLoop(options({ steps: 20, batch: 2, guidance: 2, cond: Float32Array.of(0.3, -0.2) }, calls2))
    expect(calls2).toEqual(new Array(20).fill(4))
    // ε is affine in the data mean, so guidance w with a zero-mean null model targets mean w·c.
    expect(Math.abs(moments(x2.subarray(0, 2500)).mean - 0.6)).toBeLessThan(0.03)
    expect(Math.abs(moments(x2.subarray(2500)).mean + 0.4)).toBeLessThan(0.03)
  })

  it('is deterministic per seed, differs across seeds, and a sample does not depend on batch size', async () => {
    const base = { sampler: 'ddpm' as const, steps: 10, sampleSize: 16 }
    const a = await sampleLoop(options({ ...base, batch: 3, cond: new Float32Array(3) }))
    const b = await sampleLoop(options({ ...base, batch: 3, cond: new Float32Array(3) }))
    const c = await sampleLoop(options({ ...base, batch: 3, cond: new Float32Array(3), seed: 12 }))
    const one = await sampleLoop(options({ ...base, batch: 1, cond: new Float32Array(1) }))
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(c))
    expect(Array.from(one)).toEqual(Array.from(a.subarray(0, 16)))
    const perSample = await sampleLoop(options({ ...base, batch: 2, cond: new Float32Array(2), seed: [5, 6] }))
    const single = await sampleLoop(options({ ...base, batch: 1, cond: new Float32Array(1), seed: [6] }))
    expect(Array.from(single)).toEqual(Array.from(perSample.subarray(16)))
  })

  it('reports progress per step with original timesteps and can be cancelled', async () => {
    const seen: number[] = []
    await sampleLoop(options({ steps: 10, sampleSize: 4, onProgress: (p) => seen.push(p.timestep) }))
    expect(seen).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0])
    const ctrl = new AbortController()
    const run = sampleLoop(options({ steps: 10, sampleSize: 4, signal: ctrl.signal, onProgress: (p) => p.step === 3 && ctrl.abort() }))
    await expect(run).rejects.toThrow(/cancelled/)
  })

  it('rejects bad options with clear errors', async () => {
    await expect(sampleLoop(options({ cond: new Float32Array(3) }))).rejects.toThrow(/cond has 3 floats/)
    await expect(sampleLoop(options({ sampler: 'euler' as never }))).rejects.toThrow(/unknown sampler/)
    await expect(sampleLoop(options({ eta: 2 }))).rejects.toThrow(/eta/)
    await expect(sampleLoop(options({ seed: [1] }))).rejects.toThrow(/seeds given/)
    const bad: Denoiser = async () => new Float32Array(3)
    await expect(sampleLoop(options({ denoise: bad }))).rejects.toThrow(/denoiser returned 3/)
  })
})
