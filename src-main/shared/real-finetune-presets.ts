// The real-model fine-tune screen's presets, defined once for the screen and the tests that hold the
// trainer to them. Free of zod so the renderer can import it without the contract's schemas.
import type { RealSettingsInput } from './contract/real-finetune'
import type { z } from 'zod'

/** Every field given: a preset is a whole recipe, and the trainer's own defaults are the paper preset. */
type RealSettings = Required<z.infer<typeof RealSettingsInput>>

export type RealPresetName = 'paper' | 'quick'

export const REAL_FINETUNE_PRESETS: Record<RealPresetName, { label: string; settings: RealSettings }> = {
  /** PopAlignSDXL's recipe (docs/methods/popalign.md) with LoRA on a GPU. */
  paper: {
    label: 'Paper recipe (SDXL, GPU, bf16)',
    settings: {
      method: 'popalign',
      beta: 5000,
      alpha: 0.5,
      weighting: 'constant',
      captionDropout: 0.2,
      steps: 750,
      pairsPerStep: 1,
      learningRate: 5e-7,
      warmupSteps: 200,
      seed: 0,
      loraRank: 16,
      loraLayers: 'attention',
      resolution: 1024,
      mixedPrecision: 'bf16',
      gradientCheckpointing: true,
      checkpointEvery: 100,
      processes: 1,
      cpu: false,
      deepspeedStage: null
    }
  },
  /**
   * A few CPU steps on a small model to check a set-up: the settings the loop test holds to "loss
   * decreasing, implicit accuracy clearly above chance" on the tiny SD model (test/real-finetune/loop.test.ts).
   * β is smaller than the paper's 5000 since a tiny model's MSE gaps are ~1e-2, not ~1e-4; LoRA on every
   * layer because attention-only LoRA barely moves a tiny UNet.
   */
  quick: {
    label: 'Quick check (CPU, small model)',
    settings: {
      method: 'popalign',
      beta: 50,
      alpha: 0.5,
      weighting: 'constant',
      captionDropout: 0,
      steps: 20,
      pairsPerStep: 4,
      learningRate: 1e-2,
      warmupSteps: 0,
      seed: 0,
      loraRank: 4,
      loraLayers: 'all',
      resolution: 64,
      mixedPrecision: 'no',
      gradientCheckpointing: false,
      checkpointEvery: 10,
      processes: 1,
      cpu: true,
      deepspeedStage: null
    }
  }
}
