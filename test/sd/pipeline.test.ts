// The ONNX Stable Diffusion pipeline on the tiny SD 1.x export in test/fixtures/tiny-sd-onnx (diffusers'
// real UNet, VAE, CLIP text encoder and tokenizer files, random weights; generate.py makes it and the
// reference images). The tokenizer gives diffusers' ids, the images match diffusers' own pipeline from
// the same initial latents (and, for Euler ancestral, the same per-step noise) within TOLERANCE for
// DDIM, Euler and Euler ancestral and for the Turbo settings (SD-Turbo's scheduler_config.json,
// guidance 0, 1-4 steps), a seed reproduces its image, and a broken folder is refused naming what is
// missing.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SdFolderError } from '../../src-main/core/sd/folder'
import { defaultSettings, SdPipeline, type SampleRequest } from '../../src-main/core/sd/pipeline'
import { tempDir } from '../store/helpers'
import { expectSeedReproduces, ON_CPU, readF32, referenceRequest, SD_FIXTURE, worstDiff, type ReferenceCase } from './helpers'

const FIXTURE = SD_FIXTURE
const MODEL = join(FIXTURE, 'model')
/** Largest |ours - diffusers| per pixel value in [0, 1]; measured 2.7e-5 (DDIM), 1.7e-6 (Euler), 3.3e-6 (Euler ancestral), under 1e-6 (Turbo), 1.6e-5 (v-prediction DDIM): float32 kernels and schedules round differently. The other scheduler, or no guidance, is off by 0.16-0.83. */
const TOLERANCE = 1e-4

type Case = ReferenceCase
interface Reference {
  prompt: string
  negativePrompt: string
  steps: number
  guidance: number
  size: number
  tokenIds: number[]
  cases: Case[]
  turboScheduler: string
  turbo: Case[]
  vPrediction: Case[]
}
const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference/reference.json'), 'utf8')) as Reference
const f32 = (name: string): Float32Array => readF32(join(FIXTURE, 'reference', name))

const requestOf = (c: Case): SampleRequest => referenceRequest(join(FIXTURE, 'reference'), ref.prompt, ref.size, c)

let pipe: SdPipeline
let turboDir: { dir: string; cleanup: () => void }
let turbo: SdPipeline
beforeAll(async () => {
  pipe = await SdPipeline.open(MODEL, ON_CPU)
  // The same weights with SD-Turbo's scheduler_config.json, as a Turbo export has it.
  turboDir = tempDir('sd-turbo-')
  cpSync(MODEL, join(turboDir.dir, 'model'), { recursive: true })
  writeFileSync(join(turboDir.dir, 'model/scheduler/scheduler_config.json'), readFileSync(join(FIXTURE, 'reference', ref.turboScheduler)))
  turbo = await SdPipeline.open(join(turboDir.dir, 'model'), ON_CPU)
})
afterAll(async () => {
  await pipe.dispose()
  await turbo.dispose()
  turboDir.cleanup()
})

describe('ONNX Stable Diffusion pipeline', () => {
  it("tokenizes the prompt exactly as the model's tokenizer does in diffusers", () => {
    expect(pipe.tokenize(ref.prompt)).toEqual(ref.tokenIds)
  })

  it('has reference images for every scheduler, with the noise diffusers drew for Euler ancestral', () => {
    expect(new Set(ref.cases.map((c) => c.scheduler))).toEqual(new Set(['ddim', 'euler', 'euler-ancestral']))
    expect(ref.cases.filter((c) => c.noise).map((c) => c.scheduler)).toEqual(['euler-ancestral', 'euler-ancestral'])
  })

  for (const c of ref.cases) {
    it(`matches diffusers' StableDiffusionPipeline: ${c.scheduler}, seed ${c.seed}`, async () => {
      const out = await pipe.sample(requestOf(c))
      expect(worstDiff(out.pixels, f32(c.image))).toBeLessThan(TOLERANCE)
      expect(out.unetCalls).toBe(ref.steps)
    })
  }

  it('Euler ancestral depends on its per-step noise: other noise gives another image', async () => {
    const c = ref.cases.find((x) => x.scheduler === 'euler-ancestral')!
    const other = f32(c.noise!).map((v) => -v)
    const out = await pipe.sample({ ...requestOf(c), stepNoise: other })
    expect(worstDiff(out.pixels, f32(c.image))).toBeGreaterThan(100 * TOLERANCE)
  })

  it('reproduces an Euler ancestral image from its seed alone (latents and step noise both drawn from it)', async () => {
    const req = { prompt: ref.prompt, scheduler: 'euler-ancestral' as const, steps: 4, guidance: 7.5, width: 64, height: 64 }
    await expectSeedReproduces(pipe, req, 11)
    // The same latents with the seed's own step noise differ from the same latents with other noise.
    const latents = f32(ref.cases[0].latents)
    const d = await pipe.sample({ ...req, seed: 11, latents })
    const e = await pipe.sample({ ...req, seed: 13, latents })
    expect(worstDiff(d.pixels, e.pixels)).toBeGreaterThan(0)
  })

  describe('v-prediction models (SD 2.x at 768 px)', () => {
    let vpred: SdPipeline
    let vDir: { dir: string; cleanup: () => void }
    beforeAll(async () => {
      // The same weights with prediction_type v_prediction, as SD 2.x-768's scheduler_config.json has it.
      vDir = tempDir('sd-vpred-')
      cpSync(MODEL, join(vDir.dir, 'model'), { recursive: true })
      writeFileSync(join(vDir.dir, 'model/scheduler/scheduler_config.json'), JSON.stringify({ ...pipe.folder.scheduler, prediction_type: 'v_prediction' }))
      vpred = await SdPipeline.open(join(vDir.dir, 'model'), ON_CPU)
    })
    afterAll(async () => {
      await vpred.dispose()
      vDir.cleanup()
    })

    for (const c of ref.vPrediction) {
      it(`match diffusers reading the UNet's output as v: ${c.scheduler}`, async () => {
        const out = await vpred.sample(requestOf(c))
        expect(worstDiff(out.pixels, f32(c.image))).toBeLessThan(TOLERANCE)
        // Read as the noise instead, the same output gives another image.
        const asEps = await pipe.sample(requestOf(c))
        expect(worstDiff(asEps.pixels, f32(c.image))).toBeGreaterThan(100 * TOLERANCE)
      })
    }
  })

  describe('Turbo (few-step) models', () => {
    it("take SD-Turbo's settings from its scheduler_config.json: Euler, 1 step, no guidance", () => {
      expect(turbo.defaults()).toEqual({ scheduler: 'euler', steps: 1, guidance: 0, fewStep: true })
      expect(pipe.defaults()).toEqual({ scheduler: 'euler', steps: 50, guidance: 7.5, fewStep: false })
      const ancestral = { ...turbo.folder, scheduler: { ...turbo.folder.scheduler, _class_name: 'EulerAncestralDiscreteScheduler' } }
      expect(defaultSettings(ancestral).scheduler).toBe('euler-ancestral')
    })

    for (const c of ref.turbo) {
      it(`match diffusers with "trailing" spacing and guidance 0: ${c.scheduler}, ${c.steps} step(s)`, async () => {
        expect(c.guidance).toBe(0)
        const out = await turbo.sample(requestOf(c))
        expect(worstDiff(out.pixels, f32(c.image))).toBeLessThan(TOLERANCE)
        // No negative branch: one UNet call per step, of batch 1.
        expect(out.unetCalls).toBe(c.steps)
      })
    }

    it('sample with the defaults when the request leaves them out, and say what they were', async () => {
      const c = ref.turbo.find((x) => x.scheduler === 'euler' && x.steps === 1)!
      const out = await turbo.sample({ prompt: ref.prompt, width: ref.size, height: ref.size, seed: c.seed, latents: f32(c.latents) })
      expect(out.settings).toMatchObject({ scheduler: 'euler', steps: 1, guidance: 0 })
      expect(worstDiff(out.pixels, f32(c.image))).toBeLessThan(TOLERANCE)
    })
  })

  it('reproduces an image from its seed, and another seed gives another image', async () => {
    await expectSeedReproduces(pipe, { prompt: ref.prompt, scheduler: 'euler', steps: 3, guidance: 5, width: 64, height: 64 }, 7)
  })

  it('refuses an incomplete folder, naming every missing part', async () => {
    const tmp = tempDir('sd-broken-')
    try {
      const broken = join(tmp.dir, 'model')
      cpSync(MODEL, broken, { recursive: true })
      rmSync(join(broken, 'unet'), { recursive: true })
      rmSync(join(broken, 'tokenizer/tokenizer.json'))
      const err = await SdPipeline.open(broken).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SdFolderError)
      expect((err as Error).message).toBe(
        `the model folder ${broken} is not a complete ONNX Stable Diffusion export: missing tokenizer/tokenizer.json (the tokenizer (tokenizer.json)), unet/model.onnx (the UNet); export it again with \`optimum-cli export onnx --task text-to-image\``
      )
    } finally {
      tmp.cleanup()
    }
  })
})

describe('sampling controls', () => {
  const req = { prompt: 'a photo of a doctor', scheduler: 'euler' as const, steps: 3, guidance: 5, width: 64, height: 64, seed: 2 }

  it('reports each step and stops between steps when cancelled', async () => {
    const seen: string[] = []
    const ctrl = new AbortController()
    const err = await pipe
      .sample({
        ...req,
        signal: ctrl.signal,
        onStep: (done, total) => {
          seen.push(`${done}/${total}`)
          if (done === 2) ctrl.abort()
        }
      })
      .catch((e: unknown) => e)
    expect(seen).toEqual(['1/3', '2/3'])
    expect(err).toMatchObject({ name: 'AbortError', message: 'sampling was cancelled' })
  })

  it('returns settings a worker can post (no callbacks)', async () => {
    const out = await pipe.sample({ ...req, onStep: () => {}, signal: new AbortController().signal })
    expect(structuredClone(out.settings)).toEqual({ ...req })
  })

  it('refuses sizes past 2048, noise for a scheduler that adds none, and bad seeds in words', async () => {
    await expect(pipe.sample({ ...req, width: 4096 })).rejects.toThrow("images are at most 2048 x 2048 (SDXL's native size is 1024), got 4096 x 64")
    await expect(pipe.sample({ ...req, stepNoise: new Float32Array(3 * 256) })).rejects.toThrow('stepNoise is noise for euler-ancestral steps; euler adds none')
    await expect(pipe.sample({ ...req, seed: -1 })).rejects.toThrow('the seed must be a whole number 0 or more, got -1')
    await expect(pipe.sample({ ...req, width: 60 })).rejects.toThrow('width must be a positive multiple of 8, got 60')
  })
})
