// Shared by the Stable Diffusion tests: the tiny fixtures' reference files and the comparisons every
// reference test makes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { SampleRequest, SdPipeline } from '../../src-main/core/sd/pipeline'
import type { SchedulerName } from '../../src-main/core/sd/schedulers'

export const SD_FIXTURE = join(__dirname, '../fixtures/tiny-sd-onnx')

/** A float32 little-endian file written by generate.py (latents, noise, images). */
export function readF32(path: string): Float32Array {
  const b = readFileSync(path)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

/** Largest |a - b| over two images of the same size. */
export function worstDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]))
  return worst
}

/** The same request and seed give the same bytes; the next seed gives other ones. */
export async function expectSeedReproduces(pipe: SdPipeline, req: Omit<SampleRequest, 'seed'>, seed: number): Promise<void> {
  const a = await pipe.sample({ ...req, seed })
  const b = await pipe.sample({ ...req, seed })
  const c = await pipe.sample({ ...req, seed: seed + 1 })
  expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true)
  expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(c.pixels.buffer))).toBe(false)
}

/** One case of a reference.json written by generate.py. */
export interface ReferenceCase {
  scheduler: SchedulerName
  seed: number
  steps: number
  guidance: number
  /** null: diffusers was called without one. */
  negativePrompt: string | null
  latents: string
  image: string
  /** Euler ancestral: the per-step noise diffusers drew. */
  noise?: string
}

/** The request that replays a reference case: its latents (and noise) as torch drew them. */
export function referenceRequest(refDir: string, prompt: string, size: number, c: ReferenceCase): SampleRequest {
  return {
    prompt,
    ...(c.negativePrompt === null ? {} : { negativePrompt: c.negativePrompt }),
    scheduler: c.scheduler,
    steps: c.steps,
    guidance: c.guidance,
    width: size,
    height: size,
    seed: c.seed,
    latents: readF32(join(refDir, c.latents)),
    ...(c.noise ? { stepNoise: readF32(join(refDir, c.noise)) } : {})
  }
}

/** Reference comparisons run on the CPU provider: a GPU's kernels round differently from torch's CPU ones. */
export const ON_CPU = { provider: 'cpu' } as const
