// Architecture presets the Train screen offers. All render the built-in world's 16x16 RGB images and
// read prompts over its vocabulary; "base" is the shipped base model's recipe (cli/train-base.ts).
import type { ModelSize, TrainSettings } from '@shared/contract'
import type { DiTConfig } from '../../engine/model/dit-spec'
import { parseTrainConfig, type TrainConfig } from '../../engine/train/config'
import { CHANNELS } from '../../world/renderer'
import { VOCAB_SIZE } from '../../world/vocabulary'

const WORLD_IMAGE_SIZE = 16

const PRESETS: Record<ModelSize, Omit<DiTConfig, 'imageSize' | 'channels' | 'vocabSize'>> = {
  // Small enough that a step takes a few milliseconds on one core: for trying the screens and tests.
  tiny: { patch: 4, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 16 },
  small: { patch: 4, width: 48, depth: 2, heads: 4, mlpRatio: 4, timeFeatures: 32 },
  base: { patch: 4, width: 96, depth: 4, heads: 4, mlpRatio: 4, timeFeatures: 64 }
}

export function presetModel(size: ModelSize): DiTConfig {
  return { imageSize: WORLD_IMAGE_SIZE, channels: CHANNELS, vocabSize: VOCAB_SIZE, ...PRESETS[size] }
}

/** What a run takes from a screen's settings, the same for training and for fine-tuning. */
type RunSettings = Pick<TrainSettings, 'weighting' | 'batchSize' | 'learningRate' | 'condDropout' | 'steps' | 'seed' | 'checkpointEvery'> & { emaDecay?: number }

/** TrainConfig fields from the screen's settings; a checkpoint interval past the run's end is cut to the end. */
export function runSettingsFields(settings: RunSettings): RunSettings {
  return {
    weighting: settings.weighting,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    condDropout: settings.condDropout,
    steps: settings.steps,
    seed: settings.seed,
    checkpointEvery: Math.min(settings.checkpointEvery, settings.steps),
    ...(settings.emaDecay ? { emaDecay: settings.emaDecay } : {})
  }
}

/**
 * The engine's TrainConfig for the screen's settings. When fine-tuning, the architecture is the
 * starting model's (weights only fit their own shapes), so `size` is ignored.
 */
export function trainConfigFrom(settings: TrainSettings, initModel: DiTConfig | null): TrainConfig {
  return parseTrainConfig({
    model: initModel ?? presetModel(settings.size),
    schedule: settings.schedule,
    timesteps: 1000,
    ...runSettingsFields(settings)
  })
}
