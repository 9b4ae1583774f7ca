// Samples `perPrompt` images for each prompt from DiT weights through the one sampler (core/sampling),
// with per-image seeds derived from one evaluation seed so that two checkpoints are compared on the same
// starting noise.
import type { DiTConfig } from '../engine/model/dit-spec'
import { imageSeeds } from '../engine/onnx/sample-images'
import type { SamplerKind } from '../engine/diffusion/sample-loop'
import type { ScheduleKind } from '../engine/diffusion/schedule'
import { trainDefaults } from '../engine/train/config'
import { openSampler } from '../sampling/host'

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
  // Sampling reads only the model, the schedule and its length from a training config.
  const config = { ...trainDefaults, model: model.config, schedule: model.schedule, timesteps: model.timesteps }
  const sampler = await openSampler({ kind: 'dit', config, params: model.params })
  try {
    return await sampler.sample({ prompts: texts, seeds: imageSeeds(settings.seed, texts.length), sampler: settings.sampler, steps: settings.steps, guidance: settings.guidance, chunk: 256 })
  } finally {
    await sampler.dispose()
  }
}
