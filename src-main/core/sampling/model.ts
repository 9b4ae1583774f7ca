// What the one sampler takes and gives (host and worker agree on these; they cross a structured clone).
// A model is one of three kinds: a DiT training checkpoint on disk, DiT weights already in memory (an
// experiment's arms, the base-model recipe), or a Stable Diffusion ONNX export folder (core/sd). Every
// request names one prompt and one seed per image, so an image depends only on (model, prompt, seed,
// sampler, steps, guidance) and never on the batch it was drawn in.
import type { SamplerKind } from '../engine/diffusion/sample-loop'
import type { TrainConfig } from '../engine/train/config'
import { SCHEDULER_NAMES, type SchedulerName } from '../sd/schedulers'

export type SamplerModel =
  /** A training checkpoint of the built-in world's DiT (.ckpt), read inside the worker. */
  | { kind: 'checkpoint'; path: string }
  /** DiT weights in memory; copied into the worker once per open. */
  | { kind: 'dit'; config: TrainConfig; params: Readonly<Record<string, Float32Array>> }
  /** An ONNX Stable Diffusion export (Optimum layout); images are `size` x `size` (default 512, SDXL 1024). */
  | { kind: 'sd-folder'; dir: string; size?: number }

/** DiT samplers (engine/diffusion) or Stable Diffusion schedulers (sd/schedulers). */
export type SamplerName = SamplerKind | SchedulerName

export interface SampleBatch {
  /** One prompt per image. */
  prompts: readonly string[]
  /** One seed per image, in the order of the prompts. */
  seeds: readonly number[]
  sampler: SamplerName
  steps: number
  guidance: number
  /** Stable Diffusion only: the negative prompt (default empty). */
  negativePrompt?: string
  /** DiT only: images per forward batch inside the worker (memory, not results); default 64. */
  chunk?: number
}

export interface SamplerInfo {
  /** 'onnxruntime-node', 'tfjs (<backend>)' or 'Stable Diffusion on <onnxruntime backend>'; goes into provenance. */
  backend: string
  kind: SamplerModel['kind']
  /** Images are imageSize x imageSize x channels, HWC, values in [-1, 1]. */
  imageSize: number
  channels: number
  /** The checkpoint's training step (DiT checkpoints only). */
  step: number | null
  /** The worker thread that samples (never 0, the main thread's id). */
  threadId: number
  /** Stable Diffusion folders: their content hash ("sha256:<hex>", core/sd/provenance.ts). */
  modelHash?: string
}

export interface OpenOptions {
  /** 'tfjs' skips onnxruntime-node for DiT models (tests of the fallback path). */
  prefer?: 'ort' | 'tfjs'
}

const DIT_SAMPLERS: readonly string[] = ['ddim', 'ddpm']

/** Refuses a batch the model kind cannot draw, in the caller's words. */
export function checkBatch(kind: SamplerModel['kind'], b: SampleBatch): void {
  if (b.prompts.length === 0) throw new Error('sampling: no prompts given')
  if (b.seeds.length !== b.prompts.length) throw new Error(`sampling: ${b.seeds.length} seeds for ${b.prompts.length} prompts; give one seed per image`)
  for (const s of b.seeds) if (!Number.isInteger(s) || s < 0) throw new Error(`sampling: a seed must be a whole number 0 or more, got ${s}`)
  if (!Number.isInteger(b.steps) || b.steps < 1) throw new Error(`sampling: steps must be a whole number 1 or more, got ${b.steps}`)
  if (!Number.isFinite(b.guidance)) throw new Error(`sampling: guidance must be a number, got ${b.guidance}`)
  if (kind !== 'sd-folder' && !DIT_SAMPLERS.includes(b.sampler)) throw new Error(`sampling: the built-in world's models sample with ddim or ddpm, not "${b.sampler}"`)
  if (kind === 'sd-folder' && !(SCHEDULER_NAMES as readonly string[]).includes(b.sampler)) {
    throw new Error(`sampling: a Stable Diffusion model samples with ${SCHEDULER_NAMES.join(', ')}, not "${b.sampler}"`)
  }
}

/** A stable key for a model on disk, so the worker can keep the last one open between callers. */
export function modelKey(model: SamplerModel, prefer: OpenOptions['prefer'], stamp: string): string | null {
  if (model.kind === 'dit') return null
  const where = model.kind === 'checkpoint' ? model.path : `${model.dir}#${model.size ?? ''}`
  return `${model.kind}:${where}:${stamp}:${prefer ?? 'ort'}`
}

/** Rejection of a cancelled batch, named like the engine's sampleLoop rejection. */
export function abortError(): Error {
  const err = new Error('sampling was cancelled')
  err.name = 'AbortError'
  return err
}
