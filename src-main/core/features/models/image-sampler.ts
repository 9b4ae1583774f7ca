// Turns a checkpoint into images: onnxruntime-node when it loads (the DiT exported to ONNX with the
// engine's own exporter), tfjs otherwise. Both drive the same backend-agnostic sampleLoop, which owns
// every random draw, so an image depends only on (model, prompt, seed, sampler, steps, guidance) and
// the backend's arithmetic.
import type { SamplerKind } from '../../engine/diffusion/sample-loop'
import { sampleLoop } from '../../engine/diffusion/sample-loop'
import { makeSchedule } from '../../engine/diffusion/schedule'
import { patchDim, timeFeatures, tokenCount, unpatchify } from '../../engine/model/dit-spec'
import { createTfjsDenoiser } from '../../engine/model/dit-tf'
import { OrtDenoiser } from '../../engine/onnx/ort-denoiser'
import { nullCondition, sampleImages } from '../../engine/onnx/sample-images'
import { loadTf } from '../../engine/tf/backend'
import type { TrainConfig } from '../../engine/train/config'

export interface SampleRequest {
  /** One prompt vector (vocabSize floats) per image, row-major. */
  cond: Float32Array
  /** One seed per image. */
  seeds: readonly number[]
  sampler: SamplerKind
  steps: number
  guidance: number
  signal?: AbortSignal
}

export interface ImageSampler {
  /** 'onnxruntime-node' or 'tfjs (<backend>)'; recorded in every image's provenance. */
  readonly backend: string
  /** HWC images in [-1, 1], imageSize^2 * channels floats each, in the order of the seeds. */
  sample(req: SampleRequest): Promise<Float32Array>
  dispose(): Promise<void>
}

async function ortSampler(config: TrainConfig, params: Readonly<Record<string, Float32Array>>): Promise<ImageSampler> {
  const denoiser = await OrtDenoiser.fromParams(config.model, params)
  const schedule = makeSchedule(config.schedule, config.timesteps)
  return {
    backend: 'onnxruntime-node',
    sample: (r) => sampleImages({ config: config.model, denoiser, cond: r.cond, seeds: r.seeds, sampler: r.sampler, steps: r.steps, guidance: r.guidance, schedule, signal: r.signal }),
    dispose: () => denoiser.dispose()
  }
}

async function tfjsSampler(config: TrainConfig, params: Readonly<Record<string, Float32Array>>): Promise<ImageSampler> {
  const { tf, info } = await loadTf()
  const c = config.model
  const denoiser = createTfjsDenoiser(tf, c, { ...params })
  const schedule = makeSchedule(config.schedule, config.timesteps)
  return {
    backend: `tfjs (${info.name})`,
    async sample(r) {
      const count = r.seeds.length
      const x = await sampleLoop({
        denoise: async (xp, t, cond, batch) => denoiser.forward(xp, timeFeatures(t, c.timeFeatures), cond, batch),
        schedule,
        sampler: r.sampler,
        steps: r.steps,
        guidance: r.guidance,
        cond: r.cond,
        nullCond: nullCondition(c.vocabSize),
        batch: count,
        sampleSize: tokenCount(c) * patchDim(c),
        seed: r.seeds,
        clipX0: true,
        signal: r.signal
      })
      // The same final clamp as sampleImages, so both backends return the same range.
      for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(-1, x[i]))
      return unpatchify(x, count, c)
    },
    dispose: async () => denoiser.dispose()
  }
}

/**
 * The fastest sampler that opens: onnxruntime-node, else tfjs (with the reason ORT was passed over
 * handed to `onFallback`). `prefer: 'tfjs'` skips ORT (tests of the fallback path).
 */
export async function openImageSampler(
  config: TrainConfig,
  params: Readonly<Record<string, Float32Array>>,
  opts: { prefer?: 'ort' | 'tfjs'; onFallback?: (reason: string) => void } = {}
): Promise<ImageSampler> {
  if (opts.prefer !== 'tfjs') {
    try {
      return await ortSampler(config, params)
    } catch (err) {
      opts.onFallback?.(err instanceof Error ? err.message : String(err))
    }
  }
  return tfjsSampler(config, params)
}
