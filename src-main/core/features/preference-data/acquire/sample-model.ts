// The diffusion model an acquisition samples from: a training checkpoint loaded once per job run and
// exported to ONNX, sampled through onnxruntime-node with one seed per image, so a resumed job redraws
// exactly the images it would have drawn.
import { loadCheckpoint } from '../../../engine/checkpoint/store'
import type { SamplerKind } from '../../../engine/diffusion/sample-loop'
import { makeSchedule } from '../../../engine/diffusion/schedule'
import { OrtDenoiser } from '../../../engine/onnx/ort-denoiser'
import { sampleImages } from '../../../engine/onnx/sample-images'
import { Rng } from '../../../random/rng'
import type { TrainConfig } from '../../../engine/train/config'
import { encodePrompts, VOCAB_SIZE } from '../../../world/vocabulary'

export interface SamplingSettings {
  sampler: SamplerKind
  steps: number
  guidance: number
}

export const DEFAULT_SAMPLING: SamplingSettings = { sampler: 'ddim', steps: 50, guidance: 3 }

export interface OpenModel {
  imageSize: number
  /** HWC [-1, 1] images, one per seed, all for `prompt`. */
  sample(prompt: string, seeds: readonly number[], signal: AbortSignal): Promise<Float32Array>
  dispose(): Promise<void>
}

/** Reads only what validation needs; throws naming the file and the problem. */
export function checkpointConfig(path: string): TrainConfig {
  const config = loadCheckpoint(path).config
  if (config.model.vocabSize !== VOCAB_SIZE) {
    throw new Error(`checkpoint ${path} has a vocabulary of ${config.model.vocabSize} tokens, not the world vocabulary's ${VOCAB_SIZE}; it cannot read these prompts`)
  }
  return config
}

export async function openModel(path: string, settings: SamplingSettings): Promise<OpenModel> {
  const state = loadCheckpoint(path)
  const denoiser = await OrtDenoiser.fromParams(state.config.model, state.params)
  const schedule = makeSchedule(state.config.schedule, state.config.timesteps)
  return {
    imageSize: state.config.model.imageSize,
    sample: (prompt, seeds, signal) =>
      sampleImages({
        config: state.config.model,
        denoiser,
        cond: encodePrompts(seeds.map(() => prompt)),
        seeds,
        sampler: settings.sampler,
        steps: settings.steps,
        guidance: settings.guidance,
        schedule,
        signal
      }),
    dispose: () => denoiser.dispose()
  }
}

/** Seed of image i of plan row `ord`: independent of chunking, of other rows and of resumes. */
export function acquisitionSeed(seed: number, ord: number, i: number): number {
  return Rng.derive(seed, 'acquire', ord, i).nextUint32()
}
