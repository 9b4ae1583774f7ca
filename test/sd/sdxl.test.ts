// SDXL on the tiny SDXL export in test/fixtures/tiny-sd-onnx/model-sdxl (diffusers' real UNet with
// text_time added conditioning, two CLIP text encoders, the second with a projection; random weights;
// generate.py makes it). Its UNet keeps its weights in unet/model.onnx_data, as exports over 2 GB do.
// The images match diffusers' StableDiffusionXLPipeline from the same initial latents within
// TOLERANCE: without a negative prompt (zero negative embeddings), with one, and with SDXL-Turbo's
// settings (one batch-1 UNet call with its added conditioning).
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SdPipeline } from '../../src-main/core/sd/pipeline'
import { tempDir } from '../store/helpers'
import { expectSeedReproduces, ON_CPU, readF32, referenceRequest, SD_FIXTURE, worstDiff, type ReferenceCase } from './helpers'

const MODEL = join(SD_FIXTURE, 'model-sdxl')
/** Largest |ours - diffusers| per pixel value in [0, 1]; measured 2.5e-6 and 1.6e-6. */
const TOLERANCE = 1e-4

interface Reference {
  prompt: string
  size: number
  cases: ReferenceCase[]
  turbo: ReferenceCase & { timestepSpacing: string }
}
const ref = JSON.parse(readFileSync(join(SD_FIXTURE, 'reference-sdxl/reference.json'), 'utf8')) as Reference
const f32 = (name: string): Float32Array => readF32(join(SD_FIXTURE, 'reference-sdxl', name))

let pipe: SdPipeline
beforeAll(async () => {
  pipe = await SdPipeline.open(MODEL, ON_CPU)
})
afterAll(async () => {
  await pipe.dispose()
})

describe('ONNX Stable Diffusion XL pipeline', () => {
  it('recognises the SDXL layout and its external-data UNet', () => {
    expect(pipe.folder.kind).toBe('sdxl')
    expect(pipe.folder.components).toEqual(['scheduler', 'text_encoder', 'text_encoder_2', 'tokenizer', 'tokenizer_2', 'unet', 'vae_decoder'])
    expect(pipe.defaults()).toEqual({ scheduler: 'euler', steps: 50, guidance: 5, fewStep: false })
  })

  it('has a case without and a case with a negative prompt', () => {
    expect(ref.cases.map((c) => c.negativePrompt === null)).toEqual([true, false])
  })

  for (const c of ref.cases) {
    it(`matches diffusers' StableDiffusionXLPipeline: ${c.scheduler}, seed ${c.seed}, ${c.negativePrompt === null ? 'no negative prompt' : 'a negative prompt'}`, async () => {
      const out = await pipe.sample(referenceRequest(join(SD_FIXTURE, 'reference-sdxl'), ref.prompt, ref.size, c))
      expect(worstDiff(out.pixels, f32(c.image))).toBeLessThan(TOLERANCE)
      expect(out.unetCalls).toBe(c.steps)
    })
  }

  it('an empty negative prompt is not the missing one (encoded "" instead of zeros), as in diffusers', async () => {
    const c = ref.cases[0]
    const req = { prompt: ref.prompt, scheduler: c.scheduler, steps: c.steps, guidance: c.guidance, width: ref.size, height: ref.size, seed: c.seed, latents: f32(c.latents) }
    const empty = await pipe.sample({ ...req, negativePrompt: '' })
    expect(worstDiff(empty.pixels, f32(c.image))).toBeGreaterThan(100 * TOLERANCE)
  })

  it("matches diffusers with SDXL-Turbo's settings: Euler ancestral, trailing spacing, 1 step, guidance 0 (no negative branch)", async () => {
    const dir = tempDir('sdxl-turbo-')
    try {
      cpSync(MODEL, join(dir.dir, 'model'), { recursive: true })
      writeFileSync(
        join(dir.dir, 'model/scheduler/scheduler_config.json'),
        JSON.stringify({ ...pipe.folder.scheduler, _class_name: 'EulerAncestralDiscreteScheduler', timestep_spacing: ref.turbo.timestepSpacing })
      )
      const turbo = await SdPipeline.open(join(dir.dir, 'model'), ON_CPU)
      try {
        expect(turbo.defaults()).toEqual({ scheduler: 'euler-ancestral', steps: 1, guidance: 0, fewStep: true })
        const out = await turbo.sample(referenceRequest(join(SD_FIXTURE, 'reference-sdxl'), ref.prompt, ref.size, ref.turbo))
        expect(worstDiff(out.pixels, f32(ref.turbo.image))).toBeLessThan(TOLERANCE)
        expect(out.unetCalls).toBe(1)
      } finally {
        await turbo.dispose()
      }
    } finally {
      dir.cleanup()
    }
  })

  it('reproduces an image from its seed, and another seed gives another image', async () => {
    await expectSeedReproduces(pipe, { prompt: ref.prompt, scheduler: 'euler-ancestral', steps: 2, guidance: 5, width: 64, height: 64 }, 4)
  })
})
