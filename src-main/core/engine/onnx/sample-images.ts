// Text-to-image sampling on onnxruntime-node: the backend-agnostic sampleLoop driven by an OrtDenoiser,
// then unpatchify to HWC images in [-1, 1]. Large requests run in chunks; every image gets its own seed
// (derived from the request seed when only one is given), so an image does not depend on the chunking
// or on which other images were requested with it.

import { sampleLoop, type SampleProgress, type SamplerKind } from '../diffusion/sample-loop'
import type { Spacing } from '../diffusion/respacing'
import { makeSchedule, type NoiseSchedule } from '../diffusion/schedule'
import { patchDim, tokenCount, unpatchify, type DiTConfig } from '../model/dit-spec'
import { Rng } from '../../random/rng'
import { OrtDenoiser } from './ort-denoiser'

export interface SampleImagesOptions {
  config: DiTConfig
  /** Either an open denoiser (reused across calls) or the parameters to export one from. */
  denoiser?: OrtDenoiser
  params?: Readonly<Record<string, Float32Array>>
  /** Prompt vectors, one row of vocabSize floats per image; the image count is cond.length / vocabSize. */
  cond: Float32Array
  /** One seed per image, or one seed from which per-image seeds are derived. */
  seed?: number
  seeds?: readonly number[]
  sampler: SamplerKind
  steps: number
  guidance: number
  /** Training schedule; default cosine, T = 1000. */
  schedule?: NoiseSchedule
  spacing?: Spacing
  eta?: number
  /** Clip x0 to [-1, 1] at each step; default true. */
  clipX0?: boolean
  /** Images per sampleLoop call (the forward batch is twice this under guidance); default 64. */
  chunk?: number
  onProgress?: (p: SampleProgress & { chunk: number; chunks: number }) => void
  signal?: AbortSignal
}

/** The empty prompt: one-hot of token 0 ("<null>"), as in dit-spec.ts. */
export function nullCondition(vocabSize: number): Float32Array {
  const v = new Float32Array(vocabSize)
  v[0] = 1
  return v
}

/** Per-image seeds from one request seed: image i always gets the same seed. */
export function imageSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Rng.derive(seed, 'image', i).nextUint32())
}

/** Returns count * S * S * C floats: HWC images in [-1, 1], in the order of the cond rows. */
export async function sampleImages(o: SampleImagesOptions): Promise<Float32Array> {
  const c = o.config
  const V = c.vocabSize
  if (o.cond.length === 0 || o.cond.length % V !== 0) {
    throw new Error(`sampleImages: cond has ${o.cond.length} floats, not a positive multiple of vocabSize ${V}`)
  }
  const count = o.cond.length / V
  if ((o.seed === undefined) === (o.seeds === undefined)) throw new Error('sampleImages: give exactly one of seed or seeds')
  const seeds = o.seeds ? [...o.seeds] : imageSeeds(o.seed as number, count)
  if (seeds.length !== count) throw new Error(`sampleImages: ${seeds.length} seeds for ${count} images`)
  if ((o.denoiser === undefined) === (o.params === undefined)) throw new Error('sampleImages: give exactly one of denoiser or params')
  const chunk = o.chunk ?? 64
  if (!Number.isInteger(chunk) || chunk <= 0) throw new Error(`sampleImages: chunk must be a positive integer, got ${chunk}`)

  const denoiser = o.denoiser ?? (await OrtDenoiser.fromParams(c, o.params as Readonly<Record<string, Float32Array>>))
  try {
    const schedule = o.schedule ?? makeSchedule('cosine')
    const sampleSize = tokenCount(c) * patchDim(c)
    const patches = new Float32Array(count * sampleSize)
    const chunks = Math.ceil(count / chunk)
    for (let k = 0; k < chunks; k++) {
      const start = k * chunk
      const n = Math.min(chunk, count - start)
      const x = await sampleLoop({
        denoise: denoiser.denoise,
        schedule,
        sampler: o.sampler,
        steps: o.steps,
        spacing: o.spacing,
        eta: o.eta,
        guidance: o.guidance,
        cond: o.cond.subarray(start * V, (start + n) * V),
        nullCond: nullCondition(V),
        batch: n,
        sampleSize,
        seed: seeds.slice(start, start + n),
        clipX0: o.clipX0 ?? true,
        onProgress: o.onProgress ? (p) => o.onProgress?.({ ...p, chunk: k, chunks }) : undefined,
        signal: o.signal
      })
      patches.set(x, start * sampleSize)
    }
    // Only matters with clipX0 off: the image range is part of this function's contract.
    for (let i = 0; i < patches.length; i++) patches[i] = Math.min(1, Math.max(-1, patches[i]))
    return unpatchify(patches, count, c)
  } finally {
    // Only close a session this call opened; a caller's denoiser stays usable.
    if (!o.denoiser) await denoiser.dispose()
  }
}
