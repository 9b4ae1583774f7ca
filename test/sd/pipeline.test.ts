// The ONNX Stable Diffusion pipeline on the tiny SD 1.x export in test/fixtures/tiny-sd-onnx (diffusers'
// real UNet, VAE, CLIP text encoder and tokenizer files, random weights; generate.py makes it and the
// reference images). The tokenizer gives diffusers' ids, the images match diffusers' own pipeline from
// the same initial latents within TOLERANCE for DDIM and Euler, a seed reproduces its image, and a
// broken folder is refused naming what is missing.
import { cpSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SdFolderError } from '../../src-main/core/sd/folder'
import { SdPipeline } from '../../src-main/core/sd/pipeline'
import type { SchedulerName } from '../../src-main/core/sd/schedulers'
import { tempDir } from '../store/helpers'

const FIXTURE = join(__dirname, '../fixtures/tiny-sd-onnx')
const MODEL = join(FIXTURE, 'model')
/** Largest |ours - diffusers| per pixel value in [0, 1]; measured 2.7e-5 (DDIM) and 1.7e-6 (Euler): float32 kernels and schedules round differently. The other scheduler, or no guidance, is off by 0.16-0.83. */
const TOLERANCE = 1e-4

interface Reference {
  prompt: string
  negativePrompt: string
  steps: number
  guidance: number
  size: number
  tokenIds: number[]
  cases: { scheduler: SchedulerName; seed: number; latents: string; image: string }[]
}
const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference/reference.json'), 'utf8')) as Reference
const f32 = (name: string): Float32Array => {
  const b = readFileSync(join(FIXTURE, 'reference', name))
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

let pipe: SdPipeline
beforeAll(async () => {
  pipe = await SdPipeline.open(MODEL)
})
afterAll(async () => {
  await pipe.dispose()
})

describe('ONNX Stable Diffusion pipeline', () => {
  it("tokenizes the prompt exactly as the model's tokenizer does in diffusers", () => {
    expect(pipe.tokenize(ref.prompt)).toEqual(ref.tokenIds)
  })

  for (const c of ref.cases) {
    it(`matches diffusers' StableDiffusionPipeline: ${c.scheduler}, seed ${c.seed}`, async () => {
      const out = await pipe.sample({
        prompt: ref.prompt,
        negativePrompt: ref.negativePrompt,
        scheduler: c.scheduler,
        steps: ref.steps,
        guidance: ref.guidance,
        width: ref.size,
        height: ref.size,
        seed: c.seed,
        latents: f32(c.latents)
      })
      const want = f32(c.image)
      expect(out.pixels.length).toBe(want.length)
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(out.pixels[i] - want[i]))
      expect(worst).toBeLessThan(TOLERANCE)
      expect(out.unetCalls).toBe(ref.steps)
    })
  }

  it('reproduces an image from its seed, and another seed gives another image', async () => {
    const req = { prompt: ref.prompt, scheduler: 'euler' as const, steps: 3, guidance: 5, width: 64, height: 64 }
    const a = await pipe.sample({ ...req, seed: 7 })
    const b = await pipe.sample({ ...req, seed: 7 })
    const c = await pipe.sample({ ...req, seed: 8 })
    expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true)
    expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(c.pixels.buffer))).toBe(false)
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
