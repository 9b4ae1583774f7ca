// What an acquisition samples with: its settings, the check that a checkpoint reads the world's prompts,
// and one seed per image (so a resumed job redraws exactly the images it would have drawn). The sampling
// itself is the one sampler's (core/sampling).
import { loadCheckpoint } from '../../../engine/checkpoint/store'
import type { SamplerKind } from '../../../engine/diffusion/sample-loop'
import { Rng } from '../../../random/rng'
import type { TrainConfig } from '../../../engine/train/config'
import { VOCAB_SIZE } from '../../../world/vocabulary'

export interface SamplingSettings {
  sampler: SamplerKind
  steps: number
  guidance: number
}

export const DEFAULT_SAMPLING: SamplingSettings = { sampler: 'ddim', steps: 50, guidance: 3 }

/** Reads only what validation needs; throws naming the file and the problem. */
export function checkpointConfig(path: string): TrainConfig {
  const config = loadCheckpoint(path).config
  if (config.model.vocabSize !== VOCAB_SIZE) {
    throw new Error(`checkpoint ${path} has a vocabulary of ${config.model.vocabSize} tokens, not the world vocabulary's ${VOCAB_SIZE}; it cannot read these prompts`)
  }
  return config
}

/** Seed of image i of plan row `ord`: independent of chunking, of other rows and of resumes. */
export function acquisitionSeed(seed: number, ord: number, i: number): number {
  return Rng.derive(seed, 'acquire', ord, i).nextUint32()
}
