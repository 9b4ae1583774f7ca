// Fine-tuning presets: the paper's recipe (docs/methods/popalign.md §Recipe: α 0.5, caption dropout 0.2, 8 images
// = 4 pairs per step, constant lr, uniform timesteps) scaled to the built-in DiT on two CPU cores.
// β differs from the paper's 5000 because the per-sample MSE here is averaged over 16x16x3 pixels,
// not 4x128x128 latents, and is larger at initialisation; 1000 puts the logistic argument in its
// working range after a few dozen steps. The lr is the small DiT's pretraining lr / 10, the same
// "fine-tune well below pretraining" ratio the paper keeps at its scale.

export type FinetunePresetName = 'paper-scaled' | 'quick' | 'debiased'

export interface FinetuneSettings {
  steps: number
  /** Images per step; the paired methods stack batch/2 winner-loser pairs. */
  batchSize: number
  learningRate: number
  beta: number
  alpha: number
  weighting: 'constant' | 'debias'
  condDropout: number
  seed: number
  checkpointEvery: number
}

export interface FinetunePreset {
  name: FinetunePresetName
  label: string
  description: string
  settings: FinetuneSettings
}

const paper: FinetuneSettings = { steps: 200, batchSize: 8, learningRate: 1e-4, beta: 1000, alpha: 0.5, weighting: 'constant', condDropout: 0.2, seed: 1, checkpointEvery: 50 }

export const FINETUNE_PRESETS: readonly FinetunePreset[] = [
  { name: 'paper-scaled', label: 'Paper, scaled', description: 'PopAlign §6.1 recipe scaled to the built-in model: β 1000, α 0.5, 4 pairs per step, lr 1e-4, 200 steps, caption dropout 0.2.', settings: paper },
  { name: 'quick', label: 'Quick try', description: 'A short run to try the screens: 40 steps at lr 3e-4.', settings: { ...paper, steps: 40, learningRate: 3e-4, checkpointEvery: 20 } },
  { name: 'debiased', label: 'Debiased weighting', description: 'Paper, scaled, with the Debias timestep weight 1/√SNR on both errors (SNR capped at 1000).', settings: { ...paper, weighting: 'debias' } }
]

export function finetunePreset(name: string): FinetunePreset {
  const p = FINETUNE_PRESETS.find((x) => x.name === name)
  if (!p) throw new Error(`fine-tune: unknown preset "${name}" (expected ${FINETUNE_PRESETS.map((x) => x.name).join(', ')})`)
  return p
}
