// The sampler's backends, as the worker runs them: a DiT on onnxruntime-node (the engine's own ONNX
// export) when it loads, else on tfjs; a Stable Diffusion export through core/sd's pipeline. The DiT
// backends both drive the backend-agnostic sampleLoop, which owns every random draw, so an image depends
// only on (model, prompt, seed, sampler, steps, guidance) and the backend's arithmetic. Only the worker
// (worker.ts) calls this; callers go through host.ts so no sampling blocks their event loop.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { loadCheckpoint } from '../engine/checkpoint/store'
import { sampleLoop, type SamplerKind } from '../engine/diffusion/sample-loop'
import { makeSchedule } from '../engine/diffusion/schedule'
import { patchDim, timeFeatures, tokenCount, unpatchify } from '../engine/model/dit-spec'
import { createTfjsDenoiser } from '../engine/model/dit-tf'
import { OrtDenoiser } from '../engine/onnx/ort-denoiser'
import { nullCondition, sampleImages } from '../engine/onnx/sample-images'
import { loadTf } from '../engine/tf/backend'
import type { TrainConfig } from '../engine/train/config'
import { SdPipeline } from '../sd/pipeline'
import type { SchedulerName } from '../sd/schedulers'
import { encodePrompts, VOCAB_SIZE } from '../world/vocabulary'
import { abortError, checkBatch, type OpenOptions, type SampleBatch, type SamplerInfo, type SamplerModel } from './model'

export interface BatchControl {
  signal: AbortSignal
  /** Images finished so far of this batch. */
  onProgress?: (done: number, total: number) => void
}

export interface ModelSampler {
  readonly info: SamplerInfo
  /** count * imageSize^2 * channels floats: HWC images in [-1, 1], in the order of the batch. */
  sample(batch: SampleBatch, control: BatchControl): Promise<Float32Array>
  dispose(): Promise<void>
}

/** What identifies a model on disk as it is now (size and time), so a rewritten file is reopened. */
export function diskStamp(model: SamplerModel): string {
  if (model.kind === 'dit') return ''
  try {
    const s = statSync(model.kind === 'checkpoint' ? model.path : model.dir)
    return `${s.size}:${s.mtimeMs}`
  } catch {
    return 'missing'
  }
}

const DEFAULT_SD_SIZE = 512

function ditInfo(backend: string, config: TrainConfig, step: number | null): SamplerInfo {
  return { backend, kind: 'dit', imageSize: config.model.imageSize, channels: config.model.channels, step, threadId }
}

async function ortDit(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, info: Omit<SamplerInfo, 'backend'>): Promise<ModelSampler> {
  const denoiser = await OrtDenoiser.fromParams(config.model, params)
  const schedule = makeSchedule(config.schedule, config.timesteps)
  return {
    info: { ...info, backend: 'onnxruntime-node' },
    async sample(b, control) {
      const total = b.prompts.length
      const chunk = b.chunk ?? 64
      return sampleImages({
        config: config.model,
        denoiser,
        cond: encodePrompts(b.prompts),
        seeds: b.seeds,
        sampler: b.sampler as SamplerKind,
        steps: b.steps,
        guidance: b.guidance,
        schedule,
        chunk,
        signal: control.signal,
        onProgress: (p) => {
          if (p.step === p.total) control.onProgress?.(Math.min(total, (p.chunk + 1) * chunk), total)
        }
      })
    },
    dispose: () => denoiser.dispose()
  }
}

async function tfjsDit(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, info: Omit<SamplerInfo, 'backend'>): Promise<ModelSampler> {
  const { tf, info: tfInfo } = await loadTf()
  const c = config.model
  const denoiser = createTfjsDenoiser(tf, c, { ...params })
  const schedule = makeSchedule(config.schedule, config.timesteps)
  return {
    info: { ...info, backend: `tfjs (${tfInfo.name})` },
    async sample(b, control) {
      const count = b.seeds.length
      const x = await sampleLoop({
        denoise: async (xp, t, cond, batch) => denoiser.forward(xp, timeFeatures(t, c.timeFeatures), cond, batch),
        schedule,
        sampler: b.sampler as SamplerKind,
        steps: b.steps,
        guidance: b.guidance,
        cond: encodePrompts(b.prompts),
        nullCond: nullCondition(c.vocabSize),
        batch: count,
        sampleSize: tokenCount(c) * patchDim(c),
        seed: b.seeds,
        clipX0: true,
        signal: control.signal
      })
      // The same final clamp as sampleImages, so both backends return the same range.
      for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(-1, x[i]))
      control.onProgress?.(count, count)
      return unpatchify(x, count, c)
    },
    dispose: async () => denoiser.dispose()
  }
}

async function openDit(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, step: number | null, opts: OpenOptions, onFallback: (reason: string) => void): Promise<ModelSampler> {
  if (config.model.vocabSize !== VOCAB_SIZE) {
    throw new Error(`the model has a vocabulary of ${config.model.vocabSize} tokens, not the built-in world's ${VOCAB_SIZE}; it cannot read these prompts`)
  }
  const info = ditInfo('', config, step)
  if (opts.prefer !== 'tfjs') {
    try {
      return await ortDit(config, params, info)
    } catch (err) {
      onFallback(err instanceof Error ? err.message : String(err))
    }
  }
  return tfjsDit(config, params, info)
}

async function openSd(dir: string, requested: number | undefined): Promise<ModelSampler> {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 8 || requested % 8 !== 0)) {
    throw new Error(`the image size of a Stable Diffusion model must be a multiple of 8, got ${requested}`)
  }
  const pipe = await SdPipeline.open(dir)
  const size = requested ?? exportedSize(dir) ?? (pipe.folder.kind === 'sdxl' ? 1024 : DEFAULT_SD_SIZE)
  // The folder's content hash goes into every image's provenance; read once per open model (the worker keeps it open).
  let modelHash: string
  try {
    modelHash = await pipe.modelHash()
  } catch (e) {
    await pipe.dispose()
    throw e
  }
  return {
    info: { backend: `Stable Diffusion on ${pipe.backend}`, kind: 'sd-folder', imageSize: size, channels: 3, step: null, threadId, modelHash },
    async sample(b, control) {
      const total = b.prompts.length
      const per = size * size * 3
      const out = new Float32Array(total * per)
      // core/sd samples one image per call.
      for (let i = 0; i < total; i++) {
        if (control.signal.aborted) throw abortError()
        const img = await pipe.sample({
          prompt: b.prompts[i],
          negativePrompt: b.negativePrompt,
          // checkBatch let only core/sd's scheduler names through for this kind.
          scheduler: b.sampler as SchedulerName,
          steps: b.steps,
          guidance: b.guidance,
          width: size,
          height: size,
          seed: b.seeds[i],
          // Checked between UNet calls, so a cancel does not wait for the image to finish.
          signal: control.signal
        })
        // [0, 1] (diffusers' numpy output) to the [-1, 1] every caller of this sampler reads.
        for (let k = 0; k < per; k++) out[i * per + k] = img.pixels[k] * 2 - 1
        control.onProgress?.(i + 1, total)
      }
      return out
    },
    dispose: () => pipe.dispose()
  }
}

/**
 * The resolution the model was made for, as diffusers' pipelines read it: the UNet's sample_size times the
 * VAE factor 8, or the VAE's own sample_size; null when the export kept neither config (then 512 / 1024).
 */
function exportedSize(dir: string): number | null {
  const read = (file: string, key: string): number | null => {
    try {
      const v = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>)[key]
      return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null
    } catch {
      return null
    }
  }
  const unet = read('unet/config.json', 'sample_size')
  const size = unet !== null ? unet * 8 : read('vae_decoder/config.json', 'sample_size')
  return size !== null && size % 8 === 0 && size <= 4096 ? size : null
}

/** Opens a model for sampling in this thread; the worker is the only caller. */
export async function openModelSampler(model: SamplerModel, opts: OpenOptions, onFallback: (reason: string) => void): Promise<ModelSampler> {
  let inner: ModelSampler
  if (model.kind === 'sd-folder') inner = await openSd(model.dir, model.size)
  else if (model.kind === 'dit') inner = await openDit(model.config, model.params, null, opts, onFallback)
  else {
    let state
    try {
      state = loadCheckpoint(model.path)
    } catch (e) {
      throw new Error(`cannot load checkpoint ${model.path}: ${(e as Error).message}`)
    }
    inner = await openDit(state.config, state.params, state.step, opts, onFallback)
  }
  return {
    info: { ...inner.info, kind: model.kind },
    sample: (b, control) => {
      checkBatch(model.kind, b)
      return inner.sample(b, control)
    },
    dispose: () => inner.dispose()
  }
}
