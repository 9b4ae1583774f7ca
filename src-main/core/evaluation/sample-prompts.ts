// Samples `perPrompt` images for each prompt from a DiT through onnxruntime-node (exported once per call
// or reusing an open denoiser), with per-image seeds derived from one evaluation seed so that two
// checkpoints are compared on the same starting noise.
import type { DiTConfig } from '../engine/model/dit-spec'
import { OrtDenoiser } from '../engine/onnx/ort-denoiser'
import { imageSeeds, sampleImages } from '../engine/onnx/sample-images'
import type { SamplerKind } from '../engine/diffusion/sample-loop'
import { makeSchedule, type ScheduleKind } from '../engine/diffusion/schedule'
import { encodePrompts } from '../world/vocabulary'

export interface SamplingSettings {
  sampler: SamplerKind
  steps: number
  guidance: number
  seed: number
}

export const defaultSampling: SamplingSettings = { sampler: 'ddim', steps: 50, guidance: 3, seed: 1234 }

export async function samplePrompts(
  model: { config: DiTConfig; schedule: ScheduleKind; timesteps: number; params: Readonly<Record<string, Float32Array>> },
  prompts: readonly string[],
  perPrompt: number,
  settings: SamplingSettings = defaultSampling
): Promise<Float32Array> {
  if (!Number.isInteger(perPrompt) || perPrompt <= 0) throw new Error(`sampling: images per prompt must be a positive integer, got ${perPrompt}`)
  const texts: string[] = []
  for (const p of prompts) for (let i = 0; i < perPrompt; i++) texts.push(p)
  const cond = encodePrompts(texts)
  if (cond.length !== texts.length * model.config.vocabSize) throw new Error(`sampling: the model's vocabSize ${model.config.vocabSize} is not the world vocabulary's`)
  const denoiser = await OrtDenoiser.fromParams(model.config, model.params)
  try {
    return await sampleImages({
      config: model.config,
      denoiser,
      cond,
      seeds: imageSeeds(settings.seed, texts.length),
      sampler: settings.sampler,
      steps: settings.steps,
      guidance: settings.guidance,
      schedule: makeSchedule(model.schedule, model.timesteps),
      chunk: 256
    })
  } finally {
    await denoiser.dispose()
  }
}
