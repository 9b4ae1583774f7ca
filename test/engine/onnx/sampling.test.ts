import { describe, expect, it } from 'vitest'
import { OrtDenoiser } from '../../../src-main/core/engine/onnx/ort-denoiser'
import { imageSeeds, nullCondition, sampleImages } from '../../../src-main/core/engine/onnx/sample-images'
import { benchOrtSampling } from '../../../src-main/core/evaluation/onnx-bench'
import { ditReferenceForward } from '../../../src-main/core/engine/model/dit-reference'
import { patchDim, timeFeatures, tokenCount, unpatchify } from '../../../src-main/core/engine/model/dit-spec'
import { sampleLoop } from '../../../src-main/core/engine/diffusion/sample-loop'
import { makeSchedule } from '../../../src-main/core/engine/diffusion/schedule'
import { maxRelError, randomInputs, randomParams, smallConfig } from './helpers'

const config = smallConfig
const T = tokenCount(config)
const P = patchDim(config)
const V = config.vocabSize
const params = randomParams(config, 11)

function prompts(count: number): Float32Array {
  const cond = new Float32Array(count * V)
  for (let i = 0; i < count; i++) cond[i * V + 1 + (i % (V - 1))] = 1
  return cond
}

describe('OrtDenoiser', () => {
  it('computes time features itself and matches the reference for per-sample and shared timesteps', async () => {
    const d = await OrtDenoiser.fromParams(config, params)
    const { xp, cond } = randomInputs(config, 3, 4)
    const steps = Int32Array.from([0, 317, 999])
    const eps = await d.denoise(xp, steps, cond, 3)
    expect(maxRelError(eps, ditReferenceForward(config, params, xp, timeFeatures(steps, config.timeFeatures), cond, 3))).toBeLessThan(1e-4)
    const shared = await d.denoise(xp, 250, cond, 3)
    expect(maxRelError(shared, ditReferenceForward(config, params, xp, timeFeatures([250, 250, 250], config.timeFeatures), cond, 3))).toBeLessThan(1e-4)
    await d.dispose()
  })

  it('rejects inputs that do not fit the config', async () => {
    const d = await OrtDenoiser.fromParams(config, params)
    const { xp, cond } = randomInputs(config, 2, 4)
    await expect(d.denoise(xp, 1, cond, 3)).rejects.toThrow(/xp has \d+ values, expected/)
    await expect(d.denoise(xp, [1, 2, 3], cond, 2)).rejects.toThrow(/3 timesteps given for batch 2/)
    await expect(d.denoise(xp, 1, cond.subarray(1), 2)).rejects.toThrow(/cond has/)
    await expect(d.denoise(xp, -1, cond, 2)).rejects.toThrow(/timestep/)
    await d.dispose()
  })

  it('refuses an ONNX graph that is not a DiT export', async () => {
    const { GraphBuilder } = await import('../../../src-main/core/engine/onnx/graph')
    const g = new GraphBuilder('other')
    g.output(g.relu(g.input('x', ['N', 2])), 'y')
    await expect(OrtDenoiser.fromBytes(config, g.toBytes())).rejects.toThrow(/not a DiT export/)
  })
})

describe('sampleImages', () => {
  const base = { config, sampler: 'ddim' as const, steps: 4, guidance: 2 }

  for (const [sampler, guidance] of [
    ['ddim', 2],
    ['ddpm', 1]
  ] as const) {
    it(`equals sampleLoop driven by the float64 reference forward, then unpatchify (${sampler}, guidance ${guidance})`, async () => {
      const cond = prompts(2)
      const images = await sampleImages({ ...base, sampler, guidance, params, cond, seed: 7 })
      const reference = await sampleLoop({
        denoise: async (x, t, c, batch) => Float32Array.from(ditReferenceForward(config, params, x, timeFeatures(t, config.timeFeatures), c, batch)),
        schedule: makeSchedule('cosine'),
        sampler,
        steps: 4,
        guidance,
        cond,
        nullCond: nullCondition(V),
        batch: 2,
        sampleSize: T * P,
        seed: imageSeeds(7, 2),
        clipX0: true
      })
      const expected = unpatchify(
        reference.map((v) => Math.min(1, Math.max(-1, v))),
        2,
        config
      )
      expect(images.length).toBe(2 * config.imageSize * config.imageSize * config.channels)
      expect(maxRelError(images, expected)).toBeLessThan(1e-3)
    })
  }

  it('reports progress per chunk and stops when cancelled', async () => {
    const denoiser = await OrtDenoiser.fromParams(config, params)
    const seen: string[] = []
    await sampleImages({ ...base, denoiser, cond: prompts(3), seed: 1, chunk: 2, onProgress: (p) => seen.push(`${p.chunk}/${p.chunks}:${p.step}/${p.total}`) })
    expect(seen).toEqual(['0/2:1/4', '0/2:2/4', '0/2:3/4', '0/2:4/4', '1/2:1/4', '1/2:2/4', '1/2:3/4', '1/2:4/4'])
    const controller = new AbortController()
    controller.abort()
    await expect(sampleImages({ ...base, denoiser, cond: prompts(1), seed: 1, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    await denoiser.dispose()
  })

  it('is deterministic for a seed, differs across seeds, and does not depend on chunking', async () => {
    const denoiser = await OrtDenoiser.fromParams(config, params)
    const cond = prompts(5)
    const a = await sampleImages({ ...base, sampler: 'ddpm', denoiser, cond, seed: 3 })
    const b = await sampleImages({ ...base, sampler: 'ddpm', denoiser, cond, seed: 3 })
    expect(Array.from(b)).toEqual(Array.from(a))
    const other = await sampleImages({ ...base, sampler: 'ddpm', denoiser, cond, seed: 4 })
    expect(maxRelError(other, a)).toBeGreaterThan(0.1)
    const chunked = await sampleImages({ ...base, sampler: 'ddpm', denoiser, cond, seed: 3, chunk: 2 })
    expect(maxRelError(chunked, a)).toBeLessThan(1e-4)
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(1)
    await denoiser.dispose()
  })

  it('validates its request', async () => {
    await expect(sampleImages({ ...base, params, cond: new Float32Array(V + 1), seed: 1 })).rejects.toThrow(/not a positive multiple/)
    await expect(sampleImages({ ...base, params, cond: prompts(2), seeds: [1] })).rejects.toThrow(/1 seeds for 2 images/)
    await expect(sampleImages({ ...base, params, cond: prompts(2) })).rejects.toThrow(/exactly one of seed or seeds/)
    await expect(sampleImages({ ...base, cond: prompts(2), seed: 1 })).rejects.toThrow(/exactly one of denoiser or params/)
  })
})

describe('benchOrtSampling', () => {
  it('reports positive throughput on a small config', async () => {
    const r = await benchOrtSampling(config, 4, 2, { forwardRepeats: 2 })
    expect(r.imagesPerSecond).toBeGreaterThan(0)
    expect(r.forwardMs).toBeGreaterThan(0)
    expect(r.forwardBatch).toBe(4)
  })
})
