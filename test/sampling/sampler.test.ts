// The one sampler (core/sampling): a DiT in memory and the tiny Stable Diffusion export are sampled in the
// sampler worker with the same images as the engine / core/sd give in-process for the same seeds; the
// caller's event loop stays responsive while a batch is drawn (the same batch drawn in-process blocks it);
// a caller's cancel stops a batch within its grace time and the sampler stays usable; bad requests are
// refused in words.
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import type { DiTConfig } from '../../src-main/core/engine/model/dit-spec'
import { sampleImages } from '../../src-main/core/engine/onnx/sample-images'
import { makeSchedule } from '../../src-main/core/engine/diffusion/schedule'
import { trainDefaults, type TrainConfig } from '../../src-main/core/engine/train/config'
import { openModelSampler } from '../../src-main/core/sampling/backends'
import { SamplingHost } from '../../src-main/core/sampling/host'
import { SdPipeline } from '../../src-main/core/sd/pipeline'
import { encodePrompts, VOCAB_SIZE } from '../../src-main/core/world/vocabulary'
import { randomParams } from '../engine/onnx/helpers'

const SD_MODEL = join(__dirname, '../fixtures/tiny-sd-onnx/model')

function ditModel(model: Partial<DiTConfig>, seed: number): { kind: 'dit'; config: TrainConfig; params: Record<string, Float32Array> } {
  const m: DiTConfig = { imageSize: 8, channels: 3, patch: 2, width: 16, depth: 2, heads: 2, mlpRatio: 2, timeFeatures: 8, vocabSize: VOCAB_SIZE, ...model }
  return { kind: 'dit', config: { ...trainDefaults, model: m, schedule: 'cosine' }, params: randomParams(m, seed) }
}

const host = new SamplingHost()
afterAll(() => host.close())

/** Largest gap between ticks of a 5 ms interval while `work` runs: how long the event loop was blocked. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last)
    last = now
  }, 5)
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  // A loop blocked from start to end never ticks at all: the gap since the last tick counts too.
  return Math.max(worst, performance.now() - last)
}

describe('the one sampler', () => {
  it('samples a DiT in its worker with the images the engine gives in-process for the same seeds', async () => {
    const model = ditModel({}, 3)
    const prompts = ['a photo of a doctor', 'a photo of a nurse', 'a photo of a doctor']
    const seeds = [5, 6, 7]
    const s = await host.open(model)
    try {
      expect(s.info).toMatchObject({ backend: 'onnxruntime-node', kind: 'dit', imageSize: 8, channels: 3, step: null })
      expect(s.info.threadId).not.toBe(threadId)
      const got = await s.sample({ prompts, seeds, sampler: 'ddim', steps: 6, guidance: 2 })
      const want = await sampleImages({
        config: model.config.model,
        params: model.params,
        cond: encodePrompts(prompts),
        seeds,
        sampler: 'ddim',
        steps: 6,
        guidance: 2,
        schedule: makeSchedule('cosine', 1000)
      })
      expect(got).toEqual(want)
      // Batch-independent: the last image alone is the same image.
      const alone = await s.sample({ prompts: prompts.slice(2), seeds: seeds.slice(2), sampler: 'ddim', steps: 6, guidance: 2 })
      expect(alone).toEqual(want.subarray((2 * want.length) / 3))
    } finally {
      await s.dispose()
    }
  })

  it('samples the tiny Stable Diffusion export as the pipeline does for the same seed, in [-1, 1]', async () => {
    const s = await host.open({ kind: 'sd-folder', dir: SD_MODEL, size: 64 })
    const pipe = await SdPipeline.open(SD_MODEL)
    try {
      expect(s.info).toMatchObject({ kind: 'sd-folder', imageSize: 64, channels: 3 })
      expect(s.info.backend).toMatch(/^Stable Diffusion on onnxruntime-node/)
      const got = await s.sample({ prompts: ['a photo of a doctor', 'a photo of a nurse'], seeds: [11, 12], sampler: 'euler', steps: 3, guidance: 7.5 })
      expect(got).toHaveLength(2 * 64 * 64 * 3)
      const want = await pipe.sample({ prompt: 'a photo of a nurse', negativePrompt: '', scheduler: 'euler', steps: 3, guidance: 7.5, width: 64, height: 64, seed: 12 })
      const second = got.subarray(64 * 64 * 3)
      let worst = 0
      for (let k = 0; k < second.length; k++) worst = Math.max(worst, Math.abs(second[k] - (want.pixels[k] * 2 - 1)))
      expect(worst).toBeLessThan(1e-6)
      await expect(s.sample({ prompts: ['a doctor'], seeds: [1], sampler: 'ddpm', steps: 2, guidance: 1 })).rejects.toThrow(/samples with ddim, euler.*not "ddpm"/)
    } finally {
      await s.dispose()
      await pipe.dispose()
    }
  })

  it("keeps the caller's event loop responsive while a batch is sampled (in-process it stalls)", async () => {
    // tfjs on wasm computes synchronously: drawn in this thread, the batch blocks every timer.
    const model = ditModel({ imageSize: 16, width: 48, depth: 3, heads: 3 }, 4)
    const batch = { prompts: Array.from({ length: 4 }, () => 'a photo of a chef'), seeds: [1, 2, 3, 4], sampler: 'ddpm' as const, steps: 20, guidance: 3 }
    const inWorker = await host.open(model, { prefer: 'tfjs' })
    const inProcess = await openModelSampler(model, { prefer: 'tfjs' }, () => {})
    try {
      expect(inWorker.info.backend).toMatch(/^tfjs \(/)
      let a: Float32Array = new Float32Array(0)
      let b: Float32Array = new Float32Array(0)
      const stallHere = await longestStall(async () => (b = await inProcess.sample(batch, { signal: new AbortController().signal })))
      const stallWorker = await longestStall(async () => (a = await inWorker.sample(batch)))
      expect(a).toEqual(b)
      // Measured on 2 cores: about 1000 ms in-process (330 ms under a loaded whole-suite run), 30 ms with
      // the worker. Compared with each other, not with a clock: the same batch, one after the other.
      expect(stallHere).toBeGreaterThan(150)
      expect(stallWorker).toBeLessThan(stallHere / 2)
    } finally {
      await inWorker.dispose()
      await inProcess.dispose()
    }
  })

  it('stops a batch when the caller cancels, and samples again afterwards', async () => {
    const s = await host.open(ditModel({}, 5))
    try {
      const ctrl = new AbortController()
      const started = performance.now()
      // 64 images for 1000 steps: about 1.8 s here even with the SIMD sampler steps, so the cancel at
      // 150 ms lands mid-batch (one image took 146 ms, and a fresh-clone run finished it before the cancel).
      const prompts = new Array<string>(64).fill('a photo of a pilot')
      const seeds = prompts.map((_, i) => i + 1)
      const run = s.sample({ prompts, seeds, sampler: 'ddpm', steps: 1000, guidance: 3 }, { signal: ctrl.signal })
      setTimeout(() => ctrl.abort(), 150)
      await expect(run).rejects.toMatchObject({ name: 'AbortError' })
      // Stopped between steps by the worker itself, well before the grace time that would terminate it.
      expect(performance.now() - started).toBeLessThan(2500)
      const generation = host.generation
      const again = await s.sample({ prompts: ['a photo of a pilot'], seeds: [1], sampler: 'ddim', steps: 2, guidance: 3 })
      expect(again).toHaveLength(8 * 8 * 3)
      expect(host.generation).toBe(generation)
      await expect(s.sample({ prompts: ['a pilot'], seeds: [1], sampler: 'ddim', steps: 2, guidance: 3 }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    } finally {
      await s.dispose()
    }
  })

  it('stops a Stable Diffusion image between UNet calls when the caller cancels', async () => {
    const s = await host.open({ kind: 'sd-folder', dir: SD_MODEL, size: 64 })
    try {
      const generation = host.generation
      const ctrl = new AbortController()
      const started = performance.now()
      const run = s.sample({ prompts: ['a photo of a pilot'], seeds: [1], sampler: 'euler', steps: 500, guidance: 7.5 }, { signal: ctrl.signal })
      setTimeout(() => ctrl.abort(), 150)
      await expect(run).rejects.toMatchObject({ name: 'AbortError' })
      // 500 steps take ~30 s; stopped long before.
      expect(performance.now() - started).toBeLessThan(5000)
      // Cancelled by the pipeline itself within the grace time: the worker was not terminated.
      expect(host.generation).toBe(generation)
    } finally {
      await s.dispose()
    }
  })

  it('reopens its model in a fresh worker after the worker was terminated (a cancel it did not honour)', async () => {
    const model = ditModel({}, 6)
    const batch = { prompts: ['a photo of a chef'], seeds: [4], sampler: 'ddim' as const, steps: 3, guidance: 2 }
    const s = await host.open(model)
    try {
      const before = await s.sample(batch)
      const generation = host.generation
      await host.kill()
      expect(host.generation).toBe(generation + 1)
      expect(await s.sample(batch)).toEqual(before)
    } finally {
      await s.dispose()
    }
  })

  it('refuses what a model cannot do, in words', async () => {
    await expect(host.open({ kind: 'checkpoint', path: '/nonexistent/step-1.ckpt' })).rejects.toThrow(/cannot load checkpoint \/nonexistent\/step-1\.ckpt/)
    await expect(host.open({ kind: 'sd-folder', dir: __dirname })).rejects.toThrow(/not a complete ONNX Stable Diffusion export/)
    await expect(host.open(ditModel({ vocabSize: 6 }, 1))).rejects.toThrow(/vocabulary of 6 tokens/)
    const s = await host.open(ditModel({}, 1))
    try {
      await expect(s.sample({ prompts: ['a doctor'], seeds: [1], sampler: 'euler', steps: 2, guidance: 1 })).rejects.toThrow(/ddim or ddpm, not "euler"/)
      await expect(s.sample({ prompts: ['a doctor', 'a nurse'], seeds: [1], sampler: 'ddim', steps: 2, guidance: 1 })).rejects.toThrow(/1 seeds for 2 prompts/)
    } finally {
      await s.dispose()
    }
  })
})
